"""SegmentMeIfYouCan component metrics on hand-made masks whose values are worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from synboost_kedro.metrics import (
    ANOMALY_TRACK,
    OBSTACLE_TRACK,
    SIOU_THRESHOLDS,
    ComponentMetricAccumulator,
    ComponentTrack,
)

NO_SIZE_FILTER = ComponentTrack("none", min_prediction_size=1, min_ground_truth_size=1)
HIGH, LOW = 0.9, 0.1


def _frame(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    return np.full(shape, LOW, np.float32), np.zeros(shape, np.uint8)


def _compute(frames, track: ComponentTrack, threshold: float = 0.5):
    accumulator = ComponentMetricAccumulator(threshold, track)
    for scores, labels in frames:
        accumulator.update(scores, labels)
    return accumulator.compute()


def _bridge_frame() -> tuple[np.ndarray, np.ndarray]:
    """Two 3x3 anomalies bridged by one predicted line, a false blob, and void that hides
    a bright region which would otherwise be a third prediction."""
    scores, labels = _frame((10, 12))
    labels[1:4, 1:4] = 1  # A: 9 px
    labels[1:4, 7:10] = 1  # B: 9 px
    scores[2, 2:9] = HIGH  # 2 px on A, 3 on background, 2 on B
    scores[6:8, 0:2] = HIGH  # 4 px on background
    labels[8:10, :] = 255
    scores[8:10, 5:10] = HIGH
    return scores, labels


def test_adjusted_union_leaves_out_pixels_on_other_anomalies() -> None:
    metrics = _compute([_bridge_frame()], NO_SIZE_FILTER)
    # A: intersection 2; union = |A| + predicted background pixels 3 (B's 2 px are not union).
    np.testing.assert_allclose(metrics.siou_per_component, [2 / 12, 2 / 12])
    # Line: 4 of 7 px on anomalies; blob: 0 of 4. The void region adds no component.
    np.testing.assert_allclose(metrics.ppv_per_component, [4 / 7, 0.0])
    assert metrics.mean_siou == pytest.approx(1 / 6)
    assert metrics.mean_ppv == pytest.approx(2 / 7)
    # No sIoU reaches 0.25, so there is no true positive at any threshold.
    np.testing.assert_array_equal(metrics.f1_per_threshold, np.zeros(11))


def test_several_predictions_on_one_anomaly_share_its_union() -> None:
    scores, labels = _frame((6, 8))
    labels[0:4, 0:6] = 1  # 24 px
    scores[0:2, 0:2] = HIGH  # 4 px, all on the anomaly
    scores[3:5, 4:6] = HIGH  # 2 px on the anomaly, 2 on background
    metrics = _compute([(scores, labels)], NO_SIZE_FILTER)
    np.testing.assert_allclose(metrics.siou_per_component, [(4 + 2) / (24 + 2)])
    np.testing.assert_allclose(metrics.ppv_per_component, [1.0, 0.5])


def _filter_frame() -> tuple[np.ndarray, np.ndarray]:
    scores, labels = _frame((12, 12))
    labels[0:3, 0:3] = 1  # A: 9 px, predicted with one extra background pixel
    scores[0:3, 0:3] = HIGH
    scores[3, 0] = HIGH
    labels[0, 6:8] = 1  # S: 2 px, below the ground-truth minimum -> ignored
    scores[0:2, 6:9] = HIGH  # 6 px: kept (>= 5), only its 4 background pixels are scored
    labels[6:10, 0:4] = 1  # B: 16 px, half predicted
    scores[6:8, 0:4] = HIGH
    labels[6:9, 8:11] = 1  # D: 9 px, missed
    scores[11, 10:12] = HIGH  # 2 px: below the prediction minimum -> deleted
    return scores, labels


def test_size_filters_and_f1_over_thresholds() -> None:
    track = ComponentTrack("test", min_prediction_size=5, min_ground_truth_size=4)
    metrics = _compute([_filter_frame()], track)
    np.testing.assert_allclose(metrics.siou_per_component, [9 / 10, 8 / 16, 0.0])
    np.testing.assert_allclose(metrics.ppv_per_component, [9 / 10, 0.0, 1.0])
    # tau <= 0.5 (6 values): TP 2, FN 1, FP 1 -> 4/6; tau > 0.5 (5 values): TP 1, FN 2, FP 1 -> 2/5.
    expected_f1 = np.where(SIOU_THRESHOLDS <= 0.5, 2 / 3, 2 / 5)
    np.testing.assert_allclose(metrics.f1_per_threshold, expected_f1)
    assert metrics.mean_f1 == pytest.approx((6 * 2 / 3 + 5 * 2 / 5) / 11)


def test_threshold_is_inclusive() -> None:
    track = ComponentTrack("test", min_prediction_size=5, min_ground_truth_size=4)
    inclusive = _compute([_filter_frame()], track, threshold=float(np.float32(HIGH)))
    np.testing.assert_allclose(inclusive.siou_per_component, [9 / 10, 8 / 16, 0.0])


def test_components_are_pooled_over_frames() -> None:
    track = ComponentTrack("test", min_prediction_size=1, min_ground_truth_size=4)
    metrics = _compute([_bridge_frame(), _filter_frame()], track)
    # The filter frame now keeps its 2-px deleted prediction as a false positive.
    expected_siou = [2 / 12, 2 / 12, 9 / 10, 8 / 16, 0.0]
    expected_ppv = [4 / 7, 0.0, 9 / 10, 0.0, 1.0, 0.0]
    np.testing.assert_allclose(metrics.siou_per_component, expected_siou)
    np.testing.assert_allclose(metrics.ppv_per_component, expected_ppv)
    assert metrics.mean_siou == pytest.approx(np.mean(expected_siou))
    assert metrics.mean_ppv == pytest.approx(np.mean(expected_ppv))
    # tau = 0.25: TP 2 (0.9, 0.5), FN 3, FP 3 (the three PPV 0) -> 4 / 10.
    assert metrics.f1_per_threshold[0] == pytest.approx(4 / 10)


def test_frames_without_components_give_nan() -> None:
    empty = _compute([_frame((5, 5))], NO_SIZE_FILTER)
    assert np.isnan([empty.mean_siou, empty.mean_ppv, empty.mean_f1]).all()
    scores, labels = _frame((5, 5))
    scores[1:3, 1:3] = HIGH
    only_false_positive = _compute([(scores, labels)], NO_SIZE_FILTER)
    assert np.isnan(only_false_positive.mean_siou)
    assert only_false_positive.mean_ppv == 0.0
    assert only_false_positive.mean_f1 == 0.0


def test_official_track_sizes() -> None:
    assert (ANOMALY_TRACK.min_prediction_size, ANOMALY_TRACK.min_ground_truth_size) == (500, 100)
    assert (OBSTACLE_TRACK.min_prediction_size, OBSTACLE_TRACK.min_ground_truth_size) == (50, 10)
    np.testing.assert_allclose(SIOU_THRESHOLDS, np.arange(25, 76, 5) / 100)


def test_bad_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="NaN"):
        ComponentMetricAccumulator(float("nan"), ANOMALY_TRACK)
    accumulator = ComponentMetricAccumulator(0.5, ANOMALY_TRACK)
    with pytest.raises(ValueError, match="2-D"):
        accumulator.update(np.zeros(4), np.zeros(4, np.uint8))
    with pytest.raises(ValueError, match="shape"):
        accumulator.update(np.zeros((2, 2)), np.zeros((2, 3), np.uint8))


def _per_component_reference(
    scores: np.ndarray, labels: np.ndarray, threshold: float, track: ComponentTrack
) -> tuple[list[float], list[float]]:
    """Straight transcription of the official per-component loops (np.isin over the ROI)."""
    eight_connected = np.ones((3, 3))
    ignored = (labels != 0) & (labels != 1)
    ground_truth, num_gt = ndimage.label(labels == 1, eight_connected)
    prediction, num_pred = ndimage.label((scores >= threshold) & ~ignored, eight_connected)
    for component in range(1, num_pred + 1):
        if np.sum(prediction == component) < track.min_prediction_size:
            prediction[prediction == component] = 0
    for component in range(1, num_gt + 1):
        if np.sum(ground_truth == component) < track.min_ground_truth_size:
            ignored |= ground_truth == component
    gt_ids, pred_ids = ground_truth[~ignored], prediction[~ignored]
    siou = []
    for gt_id in np.unique(gt_ids[gt_ids > 0]):
        on_gt = pred_ids[gt_ids == gt_id]
        touching = np.unique(on_gt[on_gt != 0])
        intersection = np.sum(np.isin(on_gt, touching))
        adjustment = np.sum(~np.isin(gt_ids, [0, gt_id]) & np.isin(pred_ids, touching))
        union = np.sum(np.isin(pred_ids, touching)) + np.sum(gt_ids == gt_id)
        siou.append(intersection / (union - intersection - adjustment))
    ppv = [
        np.mean(gt_ids[pred_ids == pred_id] != 0) for pred_id in np.unique(pred_ids[pred_ids > 0])
    ]
    return siou, ppv


def test_random_blobs_match_the_per_component_reference() -> None:
    rng = np.random.default_rng(0)
    track = ComponentTrack("test", min_prediction_size=6, min_ground_truth_size=5)
    for _ in range(10):
        anomaly_field = ndimage.gaussian_filter(rng.normal(size=(40, 50)), 2)
        labels = (anomaly_field > 0.15).astype(np.uint8)
        labels[rng.random(labels.shape) < 0.03] = 255
        scores = ndimage.gaussian_filter(rng.normal(size=labels.shape), 2) + 0.3 * labels
        siou, ppv = _per_component_reference(scores, labels, 0.1, track)
        metrics = _compute([(scores, labels)], track, threshold=0.1)
        assert len(siou) > 0 and len(ppv) > 0
        np.testing.assert_allclose(metrics.siou_per_component, siou)
        np.testing.assert_allclose(metrics.ppv_per_component, ppv)
