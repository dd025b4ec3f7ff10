"""evaluate_frames: two passes at the best-F1 threshold, or one pass at a given threshold."""

from __future__ import annotations

import numpy as np
import pytest

from synboost_kedro.metrics import (
    ComponentMetricAccumulator,
    ComponentTrack,
    PixelMetricAccumulator,
    evaluate_frames,
)

TRACK = ComponentTrack("test", min_prediction_size=2, min_ground_truth_size=2)


def _frames() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(0)
    frames = []
    for _ in range(3):
        labels = np.zeros((16, 16), np.uint8)
        top, left = rng.integers(0, 10, size=2)
        labels[top : top + 5, left : left + 4] = 1
        labels[-2:] = 255
        scores = (rng.random(labels.shape) * 0.6 + 0.5 * labels).astype(np.float16)
        frames.append((scores, labels))
    return frames


def test_components_use_the_best_f1_threshold_by_default() -> None:
    frames = _frames()
    metrics = evaluate_frames(frames, TRACK)
    pixel = PixelMetricAccumulator()
    for scores, labels in frames:
        pixel.update(scores, labels)
    expected_pixel = pixel.compute()
    components = ComponentMetricAccumulator(expected_pixel.best_f1_threshold, TRACK)
    for scores, labels in frames:
        components.update(scores, labels)
    expected_components = components.compute()

    assert metrics.pixel.scalars() == expected_pixel.scalars()
    assert metrics.components.pixel_threshold == expected_pixel.best_f1_threshold
    np.testing.assert_array_equal(
        metrics.components.siou_per_component, expected_components.siou_per_component
    )
    assert set(metrics.scalars()) == {
        "average_precision",
        "auroc",
        "fpr_at_95_tpr",
        "best_f1",
        "best_f1_threshold",
        "mean_siou",
        "mean_ppv",
        "mean_f1",
    }


def test_one_shot_iterator_needs_an_explicit_threshold() -> None:
    with pytest.raises(TypeError, match="re-iterable"):
        evaluate_frames(iter(_frames()), TRACK)
    metrics = evaluate_frames(iter(_frames()), TRACK, component_threshold=0.55)
    assert metrics.components.pixel_threshold == 0.55
    assert metrics.pixel.scalars() == evaluate_frames(_frames(), TRACK).pixel.scalars()
