import numpy as np
import pytest

from synboost_kedro.synthetic.palette import POLE, TRAFFIC_LIGHT, TRAFFIC_SIGN, VEGETATION
from synboost_kedro.synthetic.street_furniture import Pole, Tree


@pytest.mark.parametrize(
    ("attachment", "label_id"),
    [
        ("light", TRAFFIC_LIGHT),
        ("circle", TRAFFIC_SIGN),
        ("triangle", TRAFFIC_SIGN),
        ("square", TRAFFIC_SIGN),
    ],
)
def test_pole_carries_its_attachment(setting, attachment, label_id):
    layout, palette, canvas = setting
    Pole(layout.road_right + 0.3, 5 * layout.near_depth, 3.5, attachment, 1).draw(
        canvas, layout, palette
    )
    labels = set(np.unique(canvas.label_ids).tolist())
    assert {POLE, label_id} <= labels


def test_tree_is_vegetation(setting):
    layout, palette, canvas = setting
    Tree(layout.road_left - 1.0, 5 * layout.near_depth, 2.5, ((0.0, 4.0, 1.8),)).draw(
        canvas, layout, palette
    )
    assert (canvas.label_ids == VEGETATION).sum() > 50
