import numpy as np

from synboost_kedro.synthetic.shapes import ellipse, frame_stamp, polygon, rectangle, thick_line

FRAME = (20, 30)


def test_rectangle_covers_its_pixels_inside_the_frame():
    stamp = rectangle(2, 3, 6, 8, FRAME)
    full = stamp.full_mask(FRAME)
    # PIL fills polygons including their right and bottom edges.
    assert full[3:9, 2:7].all()
    assert full.sum() == 6 * 5


def test_shapes_are_clipped_to_the_frame():
    stamp = polygon([(-10, -10), (5, -10), (5, 5), (-10, 5)], FRAME)
    assert (stamp.top, stamp.left) == (0, 0)
    assert stamp.mask.shape == (6, 6) and stamp.mask.all()


def test_shapes_outside_the_frame_are_none():
    assert polygon([(40, 0), (50, 0), (50, 5)], FRAME) is None
    assert ellipse((-20, -20), 3, 3, FRAME) is None


def test_ring_has_a_hole():
    filled = ellipse((15, 10), 8, 8, FRAME).full_mask(FRAME)
    ring = ellipse((15, 10), 8, 8, FRAME, ring=2).full_mask(FRAME)
    assert filled[10, 15] and not ring[10, 15]
    assert ring.sum() < filled.sum() and not (ring & ~filled).any()


def test_thin_lines_keep_at_least_one_pixel():
    stamp = thick_line([(5, 2), (5, 15)], 0.1, FRAME)
    assert stamp.full_mask(FRAME)[2:16, 5].all()


def test_frame_stamp_crops_to_the_mask_box():
    mask = np.zeros(FRAME, dtype=bool)
    mask[4:7, 10:12] = True
    stamp = frame_stamp(mask[:, 5:], left=5)
    assert (stamp.top, stamp.left, stamp.mask.shape) == (4, 10, (3, 2))
    np.testing.assert_array_equal(stamp.full_mask(FRAME), mask)
    assert frame_stamp(np.zeros(FRAME, dtype=bool)) is None
