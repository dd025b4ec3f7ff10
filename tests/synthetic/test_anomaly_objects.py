import numpy as np
import pytest

from synboost_kedro.synthetic.anomaly_objects import (
    KINDS,
    Anomaly,
    sample_look,
    sample_shape_params,
)
from synboost_kedro.synthetic.canvas import ANOMALY_LABEL_ID


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_drawn_under_the_anomaly_label_and_its_tag(setting, kind):
    layout, palette, canvas = setting
    rng = np.random.default_rng(1)
    anomaly = Anomaly(
        kind=kind,
        lateral=0.0,
        depth=2 * layout.near_depth,
        size=1.0,
        look=sample_look(rng),
        accent=sample_look(rng),
        shape_params=sample_shape_params(rng, kind),
        tag=-1,
    )
    anomaly.draw(canvas, layout, palette)
    drawn = canvas.instance_ids == -1
    assert drawn.sum() > 20
    assert (canvas.label_ids[drawn] == ANOMALY_LABEL_ID).all()
