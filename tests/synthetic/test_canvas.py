import numpy as np
import pytest

from synboost_kedro.synthetic.canvas import Canvas
from synboost_kedro.synthetic.shapes import rectangle
from synboost_kedro.synthetic.textures import Appearance, sample_noise_fields

SHAPE = (16, 24)
LOOK = Appearance((100, 100, 100), fine=0, coarse=0)


@pytest.fixture
def canvas():
    return Canvas.blank(sample_noise_fields(np.random.default_rng(0), *SHAPE))


def test_instance_ids_count_per_class(canvas):
    assert [canvas.new_instance_id(26) for _ in range(3)] == [26000, 26001, 26002]
    assert canvas.new_instance_id(24) == 24000


def test_non_instance_class_has_no_instance_id(canvas):
    with pytest.raises(ValueError, match="7"):
        canvas.new_instance_id(7)


def test_later_strokes_occlude_earlier_ones(canvas):
    canvas.paint(rectangle(0, 0, 10, 10, SHAPE), LOOK, 26, 26000)
    canvas.paint(
        rectangle(5, 5, 15, 15, SHAPE), Appearance((200, 0, 0), fine=0, coarse=0), 24, 24000
    )
    assert canvas.instance_ids[2, 2] == 26000 and canvas.instance_ids[7, 7] == 24000
    assert canvas.label_ids[7, 7] == 24
    np.testing.assert_array_equal(canvas.rgb()[7, 7], (200, 0, 0))


def test_paint_without_instance_writes_the_label_id(canvas):
    canvas.paint(rectangle(0, 0, 4, 4, SHAPE), LOOK, 11, shade=0.5)
    assert canvas.instance_ids[1, 1] == 11
    np.testing.assert_array_equal(canvas.rgb()[1, 1], (50, 50, 50))


def test_darken_only_touches_the_given_labels(canvas):
    canvas.paint(rectangle(0, 0, 24, 16, SHAPE), LOOK, 7)
    canvas.paint(rectangle(0, 0, 4, 4, SHAPE), LOOK, 26, 26000)
    canvas.darken(rectangle(0, 0, 8, 8, SHAPE), 0.5, (7,))
    assert canvas.rgb()[2, 2, 0] == 100 and canvas.rgb()[6, 6, 0] == 50


def test_rgb_is_clipped_to_uint8(canvas):
    canvas.paint(rectangle(0, 0, 4, 4, SHAPE), Appearance((300, -5, 10), fine=0, coarse=0), 23)
    np.testing.assert_array_equal(canvas.rgb()[1, 1], (255, 0, 10))
    assert canvas.rgb().dtype == np.uint8
