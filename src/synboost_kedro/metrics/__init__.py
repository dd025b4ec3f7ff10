"""Exact anomaly-segmentation metrics (pure numpy/scipy, Kedro-free).

- Pixel level (:mod:`.pixel`): AP, AUROC, FPR at 95% TPR, best F1 and its threshold, equal to
  scikit-learn on the same scores, accumulated frame by frame in memory that follows the number of
  distinct score values.
- Component level (:mod:`.components`): SegmentMeIfYouCan sIoU, PPV and mean F1.
- :func:`evaluate_frames` computes both for an iterable of ``(scores, labels)`` frames.

Labels: 1 = anomaly, 0 = normal, any other value (255 = void) is ignored.
"""

from synboost_kedro.metrics.components import (
    ANOMALY_TRACK,
    OBSTACLE_TRACK,
    SIOU_THRESHOLDS,
    ComponentMetricAccumulator,
    ComponentMetrics,
    ComponentTrack,
)
from synboost_kedro.metrics.evaluate import AnomalyMetrics, evaluate_frames
from synboost_kedro.metrics.pixel import (
    PixelMetricAccumulator,
    PixelMetrics,
    PrecisionRecallCurve,
    RocCurve,
)

__all__ = [
    "ANOMALY_TRACK",
    "OBSTACLE_TRACK",
    "SIOU_THRESHOLDS",
    "AnomalyMetrics",
    "ComponentMetricAccumulator",
    "ComponentMetrics",
    "ComponentTrack",
    "PixelMetricAccumulator",
    "PixelMetrics",
    "PrecisionRecallCurve",
    "RocCurve",
    "evaluate_frames",
]
