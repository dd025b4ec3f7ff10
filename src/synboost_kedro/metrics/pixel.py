"""Exact pixel-level anomaly metrics (AP, AUROC, FPR at 95% TPR, best F1), accumulated per frame.

The definitions are those of the Fishyscapes/bdlb code, SynBoost's ``get_metrics`` and the
post-2023 SegmentMeIfYouCan code, without binning: every distinct score value is one operating
point ("score >= threshold" is predicted anomalous), exactly like scikit-learn's
``average_precision_score``, ``roc_auc_score`` and ``roc_curve(drop_intermediate=False)``.
Pixels labelled 1 are anomalies, 0 normal, every other label value (255 = void) is ignored.

Only the operating points where the true-positive count grows matter: AP sums precision over
recall increments, AUROC is the Mann-Whitney statistic of the positives against the negatives,
TPR first reaches 95% and F1 peaks at such points. So the metrics are computed from the distinct
anomaly scores and prefix sums of the normal-score counts, never from a pixel-sized array.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synboost_kedro.metrics.inputs import split_by_label, validate_frame
from synboost_kedro.metrics.score_counts import ScoreCounts, make_score_counts

#: TPR at which the false-positive rate is reported.
TARGET_TPR = 0.95


@dataclass(frozen=True, eq=False)
class PrecisionRecallCurve:
    """Precision-recall curve, ordered by decreasing threshold.

    The first point is the conventional anchor (recall 0, precision 1, threshold +inf); each
    further point is an operating point where recall grows.

    Attributes:
        precision: Precision at each point.
        recall: Recall at each point, non-decreasing.
        thresholds: Score threshold of each point (``score >= threshold`` is anomalous).
    """

    precision: np.ndarray
    recall: np.ndarray
    thresholds: np.ndarray


@dataclass(frozen=True, eq=False)
class RocCurve:
    """Vertices of the ROC polyline from (0, 0) to (1, 1); the trapezoid area is the AUROC.

    Attributes:
        false_positive_rate: FPR at each vertex, non-decreasing.
        true_positive_rate: TPR at each vertex, non-decreasing.
    """

    false_positive_rate: np.ndarray
    true_positive_rate: np.ndarray


@dataclass(frozen=True, eq=False)
class PixelMetrics:
    """Pixel-level metrics of a whole dataset.

    Attributes:
        average_precision: Step-wise AP (scikit-learn's ``average_precision_score``).
        auroc: Area under the ROC curve.
        fpr_at_95_tpr: FPR at the first operating point (highest threshold) with TPR >= 0.95.
        best_f1: Largest F1 over all operating points.
        best_f1_threshold: Threshold of the best F1 (the highest one on ties); the pixel
            threshold of the SegmentMeIfYouCan component metrics.
        num_anomaly_pixels: Number of pixels labelled 1.
        num_normal_pixels: Number of pixels labelled 0.
        precision_recall: PR curve, downsampled as requested in ``compute``.
        roc: ROC curve vertices, downsampled as requested in ``compute``.
    """

    average_precision: float
    auroc: float
    fpr_at_95_tpr: float
    best_f1: float
    best_f1_threshold: float
    num_anomaly_pixels: int
    num_normal_pixels: int
    precision_recall: PrecisionRecallCurve
    roc: RocCurve

    def scalars(self) -> dict[str, float]:
        """The scalar metrics by name, e.g. for logging to MLflow."""
        return {
            "average_precision": self.average_precision,
            "auroc": self.auroc,
            "fpr_at_95_tpr": self.fpr_at_95_tpr,
            "best_f1": self.best_f1,
            "best_f1_threshold": self.best_f1_threshold,
        }


class PixelMetricAccumulator:
    """Accumulates per-value counts of anomaly and normal scores frame by frame.

    Memory follows the number of distinct score values: a fixed 65536-bin histogram for 8/16-bit
    scores (float16, uint8, uint16), sorted distinct values with counts for wider dtypes. All
    frames must share one score dtype.

    Example:
        >>> accumulator = PixelMetricAccumulator()
        >>> for scores, labels in frames:
        ...     accumulator.update(scores, labels)
        >>> metrics = accumulator.compute()
    """

    def __init__(self) -> None:
        self._score_dtype: np.dtype | None = None
        self._anomaly_scores: ScoreCounts | None = None
        self._normal_scores: ScoreCounts | None = None
        self.num_frames = 0

    def update(self, scores: np.ndarray, labels: np.ndarray) -> None:
        """Add one frame.

        Args:
            scores: Anomaly scores of any shape and real dtype (the same dtype for every frame);
                higher means more anomalous. Must not contain NaN; +-inf are allowed.
            labels: Integer or bool mask of the same shape: 1 = anomaly, 0 = normal, any other
                value is ignored.

        Raises:
            TypeError: If a dtype is unusable or differs from the earlier frames' score dtype.
            ValueError: If the shapes differ or the scores contain NaN.
        """
        scores, labels = np.asarray(scores), np.asarray(labels)
        validate_frame(scores, labels, self.num_frames)
        if self._score_dtype is None:
            self._score_dtype = scores.dtype
            self._anomaly_scores = make_score_counts(scores.dtype)
            self._normal_scores = make_score_counts(scores.dtype)
        elif scores.dtype != self._score_dtype:
            raise TypeError(
                f"frame {self.num_frames}: scores are {scores.dtype} but earlier frames were "
                f"{self._score_dtype}; cast all frames to one dtype"
            )
        anomaly_scores, normal_scores = split_by_label(scores, labels)
        self._anomaly_scores.add(anomaly_scores)
        self._normal_scores.add(normal_scores)
        self.num_frames += 1

    def compute(self, max_curve_points: int | None = 2048) -> PixelMetrics:
        """Metrics over every frame added so far.

        Args:
            max_curve_points: Keep at most this many evenly spaced points of each curve (endpoints
                always kept); ``None`` keeps the full curves.

        Returns:
            The metrics and curves.

        Raises:
            ValueError: If no frame was added, or the frames hold no anomaly pixel or no normal
                pixel (AP, AUROC and FPR are undefined then).
        """
        if self._anomaly_scores is None or self._normal_scores is None:
            raise ValueError("no frame was added; call update() before compute()")
        if max_curve_points is not None and max_curve_points < 2:
            raise ValueError(f"max_curve_points must be at least 2 or None, got {max_curve_points}")
        anomaly_values, anomaly_counts = self._anomaly_scores.sorted_counts()
        num_anomaly, num_normal = self._anomaly_scores.total(), self._normal_scores.total()
        if num_anomaly == 0 or num_normal == 0:
            raise ValueError(
                f"metrics are undefined: {self.num_frames} frame(s) hold {num_anomaly} anomaly "
                f"(label 1) and {num_normal} normal (label 0) pixels; both must be non-zero"
            )
        # Operating points where recall grows: the distinct anomaly scores, highest first.
        return _metrics_at_recall_steps(
            thresholds=anomaly_values[::-1],
            anomaly_at_threshold=anomaly_counts[::-1].astype(np.int64),
            normal_below=self._normal_scores.count_below(anomaly_values, inclusive=False)[::-1],
            normal_up_to=self._normal_scores.count_below(anomaly_values, inclusive=True)[::-1],
            num_normal=num_normal,
            max_curve_points=max_curve_points,
        )


def _metrics_at_recall_steps(
    *,
    thresholds: np.ndarray,
    anomaly_at_threshold: np.ndarray,
    normal_below: np.ndarray,
    normal_up_to: np.ndarray,
    num_normal: int,
    max_curve_points: int | None,
) -> PixelMetrics:
    """Metrics from the operating points at the distinct anomaly scores (descending), given how
    many normal scores lie below and up to each of them."""
    num_anomaly = int(anomaly_at_threshold.sum())
    true_positives = np.cumsum(anomaly_at_threshold)
    false_positives = num_normal - normal_below

    precision = true_positives / (true_positives + false_positives)
    true_positive_rate = true_positives / num_anomaly
    false_positive_rate = false_positives / num_normal
    f1 = 2 * true_positives / (true_positives + false_positives + num_anomaly)
    best = int(np.argmax(f1))
    # Mann-Whitney: each anomaly beats the normals below it and ties half with equal ones.
    ranked_pairs = anomaly_at_threshold * (2.0 * normal_below + (normal_up_to - normal_below))
    return PixelMetrics(
        average_precision=float(np.sum(anomaly_at_threshold * precision) / num_anomaly),
        auroc=float(np.sum(ranked_pairs) / (2.0 * num_anomaly * num_normal)),
        fpr_at_95_tpr=float(
            false_positive_rate[np.searchsorted(true_positive_rate, TARGET_TPR, "left")]
        ),
        best_f1=float(f1[best]),
        best_f1_threshold=float(thresholds[best]),
        num_anomaly_pixels=num_anomaly,
        num_normal_pixels=num_normal,
        precision_recall=_precision_recall_curve(
            precision, true_positive_rate, thresholds, max_curve_points
        ),
        roc=_roc_curve(
            (num_normal - normal_up_to) / num_normal,
            false_positive_rate,
            true_positive_rate,
            max_curve_points,
        ),
    )


def _precision_recall_curve(
    precision: np.ndarray,
    recall: np.ndarray,
    thresholds: np.ndarray,
    max_points: int | None,
) -> PrecisionRecallCurve:
    curve = PrecisionRecallCurve(
        precision=np.concatenate(([1.0], precision)),
        recall=np.concatenate(([0.0], recall)),
        thresholds=np.concatenate(([np.inf], thresholds.astype(np.float64))),
    )
    keep = _evenly_spaced(curve.recall.size, max_points)
    return PrecisionRecallCurve(curve.precision[keep], curve.recall[keep], curve.thresholds[keep])


def _roc_curve(
    fpr_before: np.ndarray,
    false_positive_rate: np.ndarray,
    true_positive_rate: np.ndarray,
    max_points: int | None,
) -> RocCurve:
    """ROC vertices: at each anomaly-score value the curve runs right (normals above the value),
    then up and right together (anomalies and normals tied at the value)."""
    tpr_before = np.concatenate(([0.0], true_positive_rate[:-1]))
    fpr = np.concatenate(([0.0], np.column_stack((fpr_before, false_positive_rate)).ravel(), [1.0]))
    tpr = np.concatenate(([0.0], np.column_stack((tpr_before, true_positive_rate)).ravel(), [1.0]))
    moved = np.concatenate(([True], (np.diff(fpr) != 0) | (np.diff(tpr) != 0)))
    fpr, tpr = fpr[moved], tpr[moved]
    keep = _evenly_spaced(fpr.size, max_points)
    return RocCurve(false_positive_rate=fpr[keep], true_positive_rate=tpr[keep])


def _evenly_spaced(size: int, max_points: int | None) -> np.ndarray:
    if max_points is None or size <= max_points:
        return np.arange(size)
    return np.unique(np.round(np.linspace(0, size - 1, max_points)).astype(np.int64))
