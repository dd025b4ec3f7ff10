"""Pixel metrics against scikit-learn on the same (valid) pixels."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import (
    average_precision_score,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)

from synboost_kedro.metrics import PixelMetricAccumulator

TOLERANCE = 1e-12


def _random_frames(
    rng: np.random.Generator, dtype: np.dtype, num_frames: int = 6, shape=(12, 15)
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Heavily tied scores (few distinct values) that lean higher on anomalies, with void pixels
    and a few labels outside {0, 1, 255} that must be ignored too."""
    frames = []
    for _ in range(num_frames):
        labels = rng.choice([0, 1, 255, 7], size=shape, p=[0.55, 0.3, 0.1, 0.05]).astype(np.uint8)
        scores = rng.integers(0, 12, size=shape) + 3 * (labels == 1) * rng.integers(
            0, 3, size=shape
        )
        if np.dtype(dtype).kind == "f":
            scores = scores / 7.0 - 0.8  # negative values and fractions, still tied
        frames.append((scores.astype(dtype), labels))
    return frames


def _sklearn_reference(frames: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, float]:
    scores = np.concatenate([frame_scores.ravel() for frame_scores, _ in frames])
    labels = np.concatenate([frame_labels.ravel() for _, frame_labels in frames])
    valid = (labels == 0) | (labels == 1)
    scores, labels = scores[valid], labels[valid]
    fpr, tpr, _ = roc_curve(labels, scores, drop_intermediate=False)
    precision, recall, thresholds = precision_recall_curve(labels, scores)
    with np.errstate(invalid="ignore"):
        f1 = 2 * precision * recall / (precision + recall)
    best = np.nanargmax(f1[:-1])
    return {
        "average_precision": average_precision_score(labels, scores),
        "auroc": roc_auc_score(labels, scores),
        "fpr_at_95_tpr": fpr[np.argmax(tpr >= 0.95)],
        "best_f1": f1[best],
        "best_f1_threshold": float(thresholds[best]),
    }


def _accumulate(frames: list[tuple[np.ndarray, np.ndarray]]) -> PixelMetricAccumulator:
    accumulator = PixelMetricAccumulator()
    for scores, labels in frames:
        accumulator.update(scores, labels)
    return accumulator


@pytest.mark.parametrize("dtype", [np.float16, np.uint8, np.float32, np.float64, np.int32])
def test_scalars_equal_sklearn_on_tied_scores_with_ignored_labels(dtype: type) -> None:
    rng = np.random.default_rng(0)
    for _ in range(5):
        frames = _random_frames(rng, np.dtype(dtype))
        metrics = _accumulate(frames).compute()
        expected = _sklearn_reference(frames)
        for name, value in metrics.scalars().items():
            assert value == pytest.approx(expected[name], abs=TOLERANCE), name


def test_float32_mostly_distinct_scores_equal_sklearn() -> None:
    rng = np.random.default_rng(1)
    frames = []
    for _ in range(8):
        labels = (rng.random((20, 20)) < 0.1).astype(np.uint8)
        scores = (rng.random((20, 20)) + 0.6 * labels).astype(np.float32)
        frames.append((scores, labels))
    metrics = _accumulate(frames).compute()
    expected = _sklearn_reference(frames)
    for name, value in metrics.scalars().items():
        assert value == pytest.approx(expected[name], abs=TOLERANCE), name


def test_many_small_frames_equal_one_concatenated_frame() -> None:
    rng = np.random.default_rng(2)
    frames = _random_frames(rng, np.dtype(np.float32), num_frames=40, shape=(3, 4))
    concatenated = (
        np.concatenate([scores.ravel() for scores, _ in frames]),
        np.concatenate([labels.ravel() for _, labels in frames]),
    )
    streamed = _accumulate(frames).compute(max_curve_points=None)
    whole = _accumulate([concatenated]).compute(max_curve_points=None)
    assert streamed.scalars() == whole.scalars()
    np.testing.assert_array_equal(streamed.roc.true_positive_rate, whole.roc.true_positive_rate)
    np.testing.assert_array_equal(streamed.roc.false_positive_rate, whole.roc.false_positive_rate)


def test_frames_with_only_one_class_are_accumulated() -> None:
    anomaly_only = (np.array([[0.9, 0.4]], np.float32), np.array([[1, 1]], np.uint8))
    normal_only = (np.array([[0.5, 0.1, 0.4]], np.float32), np.array([[0, 0, 0]], np.uint8))
    void_only = (np.array([[0.7]], np.float32), np.array([[255]], np.uint8))
    metrics = _accumulate([anomaly_only, normal_only, void_only]).compute()
    # Worked by hand: thresholds 0.9 (TP 1, FP 0) and 0.4 (TP 2, FP 2) -> AP = 1/2 * 1 + 1/2 * 1/2.
    assert metrics.average_precision == pytest.approx(0.75)
    # Pairs (anomaly > normal): 0.9 beats 3, 0.4 beats 0.1 and ties 0.4 -> (3 + 1 + 0.5) / 6.
    assert metrics.auroc == pytest.approx(4.5 / 6)
    assert metrics.fpr_at_95_tpr == pytest.approx(2 / 3)
    assert metrics.best_f1 == pytest.approx(2 / 3)
    assert metrics.best_f1_threshold == pytest.approx(np.float32(0.9))
    assert (metrics.num_anomaly_pixels, metrics.num_normal_pixels) == (2, 3)


@pytest.mark.parametrize(
    ("labels", "message"),
    [(np.ones((2, 2), np.uint8), "0 normal"), (np.zeros((2, 2), np.uint8), "0 anomaly")],
)
def test_dataset_without_one_class_raises(labels: np.ndarray, message: str) -> None:
    accumulator = PixelMetricAccumulator()
    accumulator.update(np.random.default_rng(3).random((2, 2)), labels)
    with pytest.raises(ValueError, match=message):
        accumulator.compute()


def test_compute_without_frames_raises() -> None:
    with pytest.raises(ValueError, match="no frame"):
        PixelMetricAccumulator().compute()


@pytest.mark.parametrize(
    ("scores", "labels", "error", "message"),
    [
        (np.array([0.1, np.nan], np.float16), np.array([0, 1], np.uint8), ValueError, "NaN"),
        (np.zeros((2, 3)), np.zeros((3, 2), np.uint8), ValueError, "shape"),
        (np.zeros(2), np.zeros(2, np.float32), TypeError, "labels"),
        (np.zeros(2, complex), np.zeros(2, np.uint8), TypeError, "scores"),
    ],
)
def test_bad_frames_are_rejected(
    scores: np.ndarray, labels: np.ndarray, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        PixelMetricAccumulator().update(scores, labels)


def test_mixed_score_dtypes_are_rejected() -> None:
    accumulator = PixelMetricAccumulator()
    accumulator.update(np.zeros(2, np.float32), np.array([0, 1], np.uint8))
    with pytest.raises(TypeError, match="frame 1.*float64.*float32"):
        accumulator.update(np.zeros(2, np.float64), np.array([0, 1], np.uint8))


def test_signed_zero_and_infinity_are_single_values() -> None:
    scores = np.array([-0.0, 0.0, np.inf, -np.inf, 0.0, -0.0], np.float32)
    labels = np.array([1, 0, 1, 0, 0, 1], np.uint8)
    frames = [(scores[:3], labels[:3]), (scores[3:], labels[3:])]
    metrics = _accumulate(frames).compute()
    # 0.0 and -0.0 tie: anomalies {0, inf, 0} against normals {0, -inf, 0}.
    # AUROC pairs: inf beats 3; each 0 beats -inf and ties two zeros -> (3 + 2 * (1 + 1)) / 9.
    assert metrics.auroc == pytest.approx(7 / 9)
    # Thresholds inf (TP 1, FP 0) and 0 (TP 3, FP 2): AP = 1/3 + 2/3 * 3/5.
    assert metrics.average_precision == pytest.approx(1 / 3 + 2 / 5)


def test_curves_match_sklearn_operating_points() -> None:
    rng = np.random.default_rng(4)
    frames = _random_frames(rng, np.dtype(np.float32))
    metrics = _accumulate(frames).compute(max_curve_points=None)
    scores = np.concatenate([frame_scores.ravel() for frame_scores, _ in frames])
    labels = np.concatenate([frame_labels.ravel() for _, frame_labels in frames])
    valid = labels <= 1
    precision, recall, thresholds = precision_recall_curve(labels[valid], scores[valid])
    # sklearn lists every distinct score (ascending) plus the (recall 0, precision 1) anchor
    # without threshold; ours runs the other way and keeps the points where recall grows.
    recall_grows = np.diff(recall[::-1], prepend=0.0) > 0
    np.testing.assert_allclose(metrics.precision_recall.recall[1:], recall[::-1][recall_grows])
    np.testing.assert_allclose(
        metrics.precision_recall.precision[1:], precision[::-1][recall_grows]
    )
    np.testing.assert_array_equal(
        metrics.precision_recall.thresholds[1:], thresholds[::-1][recall_grows[1:]]
    )
    auroc_from_vertices = np.trapezoid(
        metrics.roc.true_positive_rate, metrics.roc.false_positive_rate
    )
    assert auroc_from_vertices == pytest.approx(metrics.auroc, abs=TOLERANCE)
    fpr, tpr, _ = roc_curve(labels[valid], scores[valid], drop_intermediate=False)
    sklearn_points = set(zip(fpr.round(12), tpr.round(12), strict=True))
    our_points = zip(
        metrics.roc.false_positive_rate.round(12),
        metrics.roc.true_positive_rate.round(12),
        strict=True,
    )
    assert set(our_points) <= sklearn_points


def test_curves_are_downsampled_with_endpoints_kept() -> None:
    rng = np.random.default_rng(5)
    labels = (rng.random(5000) < 0.3).astype(np.uint8)
    accumulator = PixelMetricAccumulator()
    accumulator.update(rng.random(5000), labels)
    metrics = accumulator.compute(max_curve_points=10)
    assert metrics.precision_recall.recall.size == 10
    assert metrics.roc.false_positive_rate.size == 10
    assert metrics.precision_recall.recall[[0, -1]].tolist() == [0.0, 1.0]
    assert metrics.roc.true_positive_rate[[0, -1]].tolist() == [0.0, 1.0]
    with pytest.raises(ValueError, match="max_curve_points"):
        accumulator.compute(max_curve_points=1)
