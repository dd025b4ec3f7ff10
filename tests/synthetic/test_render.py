import numpy as np
import pytest

from synboost_kedro.cityscapes import INSTANCE_LABEL_IDS, LABEL_ID_BY_NAME, invalid_label_ids
from synboost_kedro.synthetic import render_cityscapes_frame

HEIGHT, WIDTH = 128, 256
EXPECTED_LABEL_NAMES = (
    "unlabeled",
    "ego vehicle",
    "road",
    "sidewalk",
    "building",
    "pole",
    "traffic light",
    "traffic sign",
    "vegetation",
    "terrain",
    "sky",
    "person",
    "rider",
    "car",
    "bicycle",
)


@pytest.fixture(scope="module")
def frames():
    return [
        render_cityscapes_frame(f"synth_000000_{seed:06d}", HEIGHT, WIDTH, seed)
        for seed in range(8)
    ]


def test_same_seed_gives_identical_frames():
    first, second = (render_cityscapes_frame("a_0_0", HEIGHT, WIDTH, 3) for _ in range(2))
    np.testing.assert_array_equal(first.image, second.image)
    np.testing.assert_array_equal(first.label_ids, second.label_ids)
    np.testing.assert_array_equal(first.instance_ids, second.instance_ids)


def test_different_seeds_give_different_frames(frames):
    assert not np.array_equal(frames[0].image, frames[1].image)
    assert not np.array_equal(frames[0].label_ids, frames[1].label_ids)


def test_frame_has_cityscapes_dtypes_and_shapes(frames):
    frame = frames[0]
    assert frame.frame_id == "synth_000000_000000"
    assert frame.image.shape == (HEIGHT, WIDTH, 3) and frame.image.dtype == np.uint8
    assert frame.label_ids.shape == (HEIGHT, WIDTH) and frame.label_ids.dtype == np.uint8
    assert frame.instance_ids.shape == (HEIGHT, WIDTH) and frame.instance_ids.dtype == np.int32


def test_label_ids_are_the_expected_cityscapes_ids(frames):
    allowed = {LABEL_ID_BY_NAME[name] for name in EXPECTED_LABEL_NAMES}
    for frame in frames:
        assert invalid_label_ids(frame.label_ids).size == 0
        assert set(np.unique(frame.label_ids).tolist()) <= allowed


def test_instance_ids_follow_the_cityscapes_convention(frames):
    for frame in frames:
        is_instance = frame.instance_ids >= 1000
        classes = frame.instance_ids // 1000
        assert set(np.unique(classes[is_instance]).tolist()) <= INSTANCE_LABEL_IDS
        np.testing.assert_array_equal(frame.label_ids[is_instance], classes[is_instance])
        np.testing.assert_array_equal(
            frame.instance_ids[~is_instance], frame.label_ids[~is_instance]
        )
        instance_class_pixels = np.isin(frame.label_ids, list(INSTANCE_LABEL_IDS))
        np.testing.assert_array_equal(instance_class_pixels, is_instance)


def test_instances_are_numbered_per_class_from_zero(frames):
    car = LABEL_ID_BY_NAME["car"]
    seen = set()
    for frame in frames:
        ids = np.unique(frame.instance_ids[frame.label_ids == car])
        seen.update((ids - car * 1000).tolist())
    assert 0 in seen and 1 in seen


def test_main_classes_appear_over_a_few_frames(frames):
    present = set().union(*(np.unique(frame.label_ids).tolist() for frame in frames))
    for name in ("road", "sidewalk", "building", "vegetation", "sky", "car", "person", "pole"):
        assert LABEL_ID_BY_NAME[name] in present, name
    for frame in frames:
        assert (frame.label_ids == LABEL_ID_BY_NAME["road"]).mean() > 0.1


def _mean_colour(frames, name):
    label_id = LABEL_ID_BY_NAME[name]
    return np.concatenate([frame.image[frame.label_ids == label_id] for frame in frames]).mean(
        axis=0
    )


def test_class_appearance_matches_the_labels(frames):
    vegetation = _mean_colour(frames, "vegetation")
    assert vegetation[1] > vegetation[0] and vegetation[1] > vegetation[2]
    sky, road = _mean_colour(frames, "sky"), _mean_colour(frames, "road")
    assert sky[2] > road[2] + 40
    assert np.ptp(road) < 25


def test_too_small_frame_is_rejected():
    with pytest.raises(ValueError, match="height=8"):
        render_cityscapes_frame("a_0_0", 8, 64, 0)
