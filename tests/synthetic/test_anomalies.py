import numpy as np
import pytest

from synboost_kedro.frames import ANOMALY, IGNORE, NORMAL
from synboost_kedro.synthetic import render_anomaly_frame, render_cityscapes_frame
from synboost_kedro.synthetic.anomalies import _compose, _render_anomaly_layers
from synboost_kedro.synthetic.anomaly_placement import NEAREST_DEPTH, STYLES
from synboost_kedro.synthetic.canvas import ANOMALY_LABEL_ID, Canvas

HEIGHT, WIDTH = 128, 256
#: For tests that sample many frames.
SMALL = (64, 128)
SEEDS = range(6)


@pytest.fixture(scope="module", params=sorted(STYLES))
def layers(request):
    style = request.param
    return style, [
        _render_anomaly_layers(f"a_0_{seed}", HEIGHT, WIDTH, seed, style) for seed in SEEDS
    ]


@pytest.mark.parametrize("style", sorted(STYLES))
def test_same_seed_gives_identical_frames(style):
    first, second = (render_anomaly_frame("a_0_0", HEIGHT, WIDTH, 5, style) for _ in range(2))
    np.testing.assert_array_equal(first.image, second.image)
    np.testing.assert_array_equal(first.mask, second.mask)
    other = render_anomaly_frame("a_0_0", HEIGHT, WIDTH, 6, style)
    assert not np.array_equal(first.mask, other.mask)


def test_public_frame_equals_the_layered_render(layers):
    style, rendered = layers
    _, _, frame = rendered[0]
    public = render_anomaly_frame(frame.frame_id, HEIGHT, WIDTH, SEEDS[0], style)
    np.testing.assert_array_equal(public.image, frame.image)
    np.testing.assert_array_equal(public.mask, frame.mask)


def test_mask_values_and_dtypes(layers):
    _, rendered = layers
    for _, _, frame in rendered:
        assert frame.image.shape == (HEIGHT, WIDTH, 3) and frame.image.dtype == np.uint8
        assert frame.mask.shape == (HEIGHT, WIDTH) and frame.mask.dtype == np.uint8
        assert set(np.unique(frame.mask).tolist()) <= {NORMAL, ANOMALY, IGNORE}
        assert (frame.mask == ANOMALY).any()


def test_background_is_the_cityscapes_frame_of_the_same_seed(layers):
    _, rendered = layers
    background, _, _ = rendered[1]
    expected = render_cityscapes_frame(background.frame_id, HEIGHT, WIDTH, SEEDS[1])
    np.testing.assert_array_equal(background.image, expected.image)
    np.testing.assert_array_equal(background.label_ids, expected.label_ids)


def test_mask_marks_exactly_the_pixels_the_anomalies_changed(layers):
    _, rendered = layers
    for background, composite, frame in rendered:
        anomaly = frame.mask == ANOMALY
        np.testing.assert_array_equal(anomaly, composite.label_ids == ANOMALY_LABEL_ID)
        np.testing.assert_array_equal(frame.image[~anomaly], background.image[~anomaly])
        changed = np.any(frame.image != background.image, axis=-1)
        assert changed[anomaly].mean() > 0.95


def test_anomalies_look_unlike_the_scene(layers):
    _, rendered = layers
    for background, _, frame in rendered:
        image = frame.image.astype(np.int32)
        saturation = image.max(axis=-1) - image.min(axis=-1)
        background_saturation = np.ptp(background.image.astype(np.int32), axis=-1)
        assert saturation[frame.mask == ANOMALY].mean() > background_saturation.mean() + 30


def test_lost_and_found_anomalies_stand_on_the_road():
    for seed in range(12):
        scene, anomalies, _ = _compose(*SMALL, seed, "lost_and_found")
        layout = scene.layout
        for anomaly in anomalies:
            assert layout.road_left < anomaly.lateral < layout.road_right
            assert anomaly.depth >= NEAREST_DEPTH * layout.near_depth


def test_anomalies_stay_mostly_visible_yet_are_sometimes_occluded():
    occluded = 0
    for seed in range(12):
        scene, anomalies, canvas = _compose(*SMALL, seed, "road_anomaly")
        visible = [(canvas.instance_ids == anomaly.tag).sum() for anomaly in anomalies]
        assert max(visible) > 0
        for anomaly, pixels in zip(anomalies, visible, strict=True):
            alone = Canvas.blank(scene.noise)
            anomaly.draw(alone, scene.layout, scene.palette)
            unoccluded = (alone.instance_ids == anomaly.tag).sum()
            assert pixels <= unoccluded
            occluded += int(pixels < 0.95 * unoccluded)
    assert occluded > 0


def test_road_anomalies_are_larger_than_lost_and_found_ones():
    def mean_area(style):
        return np.mean(
            [(render_anomaly_frame("a", *SMALL, s, style).mask == ANOMALY).sum() for s in SEEDS]
        )

    assert mean_area("road_anomaly") > 2 * mean_area("lost_and_found")


def test_unknown_style_is_rejected_by_name():
    with pytest.raises(ValueError, match="'fishyscapes_static'"):
        render_anomaly_frame("a_0_0", HEIGHT, WIDTH, 0, "fishyscapes_static")
