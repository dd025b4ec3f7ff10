import numpy as np

from synboost_kedro.synthetic.painting import draw_box, make_painter
from synboost_kedro.synthetic.palette import CAR
from synboost_kedro.synthetic.textures import Appearance

GREY = Appearance((120, 120, 120))


def test_box_is_painted_under_the_bound_label_and_instance(setting):
    layout, _, canvas = setting
    paint = make_painter(canvas, CAR, CAR * 1000 + 7)
    depth = 2 * layout.near_depth
    draw_box(
        paint,
        layout,
        lateral=(1.0, 2.5),
        elevation=(0.0, 1.0),
        depth=(depth, depth + 3.0),
        front=GREY,
        top=GREY,
    )
    drawn = canvas.instance_ids == CAR * 1000 + 7
    assert drawn.sum() > 20
    assert set(np.unique(canvas.label_ids[drawn]).tolist()) == {CAR}
    # The box stands right of the camera, so its inner side shows left of its near face.
    near_left = layout.project(1.0, 0.5, depth)[0]
    assert drawn[:, : int(near_left) - 1].any()
