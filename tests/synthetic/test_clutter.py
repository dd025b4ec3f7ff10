import numpy as np

from synboost_kedro.synthetic import render_cityscapes_frame
from synboost_kedro.synthetic.clutter import DYNAMIC_LABEL_ID

HEIGHT, WIDTH = 96, 192


def test_void_objects_are_added_to_the_same_scene_as_dynamic_void():
    plain = [render_cityscapes_frame("f", HEIGHT, WIDTH, seed) for seed in range(6)]
    cluttered = [render_cityscapes_frame("f", HEIGHT, WIDTH, seed, 3) for seed in range(6)]

    assert not any((frame.label_ids == DYNAMIC_LABEL_ID).any() for frame in plain)
    assert sum((frame.label_ids == DYNAMIC_LABEL_ID).any() for frame in cluttered) >= 3
    for without, with_clutter in zip(plain, cluttered, strict=True):
        void = with_clutter.label_ids == DYNAMIC_LABEL_ID
        # Only pixels the objects cover change; their instance id is the void label itself.
        changed = np.any(without.image != with_clutter.image, axis=-1)
        assert not (changed & ~void).any()
        assert (with_clutter.instance_ids[void] == DYNAMIC_LABEL_ID).all()
