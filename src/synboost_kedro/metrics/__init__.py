"""Exact anomaly-segmentation metrics (pure numpy/scipy, Kedro-free).

- Pixel level (:mod:`.pixel`): AP, AUROC, FPR at 95% TPR, best F1 and its threshold, equal to
  scikit-learn on the same scores, accumulated frame by frame in memory that follows the number of
  distinct score values.
- Component level (:mod:`.components`): SegmentMeIfYouCan sIoU, PPV and mean F1.
- :func:`evaluate_methods` computes both for several methods over the same frames, and
  :func:`evaluate_frames` for one method's ``(scores, labels)`` frames.

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
from synboost_kedro.metrics.evaluate import (
    AnomalyMetrics,
    DatasetMetrics,
    evaluate_frames,
    evaluate_methods,
)
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
    "DatasetMetrics",
    "ComponentMetricAccumulator",
    "ComponentMetrics",
    "ComponentTrack",
    "PixelMetricAccumulator",
    "PixelMetrics",
    "PrecisionRecallCurve",
    "RocCurve",
    "evaluate_frames",
    "evaluate_methods",
]
