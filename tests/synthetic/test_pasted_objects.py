import numpy as np
import pytest

from synboost_kedro.frames import ANOMALY, IGNORE, NORMAL
from synboost_kedro.synthetic import render_cityscapes_frame, render_pasted_object_frame
from synboost_kedro.synthetic.canvas import ANOMALY_LABEL_ID
from synboost_kedro.synthetic.palette import ROAD

HEIGHT, WIDTH = 96, 192


@pytest.mark.parametrize("texture", ["photo", "procedural"])
def test_objects_stand_on_the_road_of_the_seeds_scene(texture):
    for seed in range(4):
        frame = render_pasted_object_frame("f", HEIGHT, WIDTH, seed, texture)
        background = render_cityscapes_frame("f", HEIGHT, WIDTH, seed)
        anomaly = frame.mask == ANOMALY

        assert anomaly.any()
        assert set(np.unique(frame.mask)) <= {NORMAL, ANOMALY, IGNORE}
        # Outside the objects the frame is the scene of its seed, and only its road is normal.
        np.testing.assert_array_equal(frame.image[~anomaly], background.image[~anomaly])
        np.testing.assert_array_equal(
            frame.mask == NORMAL, ~anomaly & (background.label_ids == ROAD)
        )
        assert not (background.label_ids == ANOMALY_LABEL_ID).any()


def test_the_same_seed_gives_the_same_frame_and_textures_differ():
    first = render_pasted_object_frame("f", HEIGHT, WIDTH, 7, "photo")
    again = render_pasted_object_frame("f", HEIGHT, WIDTH, 7, "photo")
    procedural = render_pasted_object_frame("f", HEIGHT, WIDTH, 7, "procedural")

    np.testing.assert_array_equal(first.image, again.image)
    np.testing.assert_array_equal(first.mask, again.mask)
    assert not np.array_equal(first.image, procedural.image)


def test_unknown_texture_is_named():
    with pytest.raises(ValueError, match="'stone'"):
        render_pasted_object_frame("f", HEIGHT, WIDTH, 0, "stone")
