"""Every metric of every method on one scored set, read from its stored score maps."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping

import numpy as np

from synboost_kedro.evaluation.fusion import FUSION_METHOD, with_fusion
from synboost_kedro.evaluation.set_scorer import BASE_METHODS
from synboost_kedro.frames import ProcessedFrame
from synboost_kedro.metrics import (
    ANOMALY_TRACK,
    OBSTACLE_TRACK,
    DatasetMetrics,
    evaluate_methods,
)
from synboost_kedro.metrics.evaluate import MethodsFrame

logger = logging.getLogger(__name__)

#: Component size filters by benchmark track name.
TRACKS = {"anomaly": ANOMALY_TRACK, "obstacle": OBSTACLE_TRACK}
#: The methods of every table: the three priors, the dissimilarity network and their fusion.
METHODS = (*BASE_METHODS, FUSION_METHOD)

FrameLoaders = Mapping[str, Callable[[], ProcessedFrame]]
ScoreLoaders = Mapping[str, Callable[[], dict[str, np.ndarray]]]


def measure_scored_set(
    frames: FrameLoaders,
    scores: ScoreLoaders,
    fusion_weights: Mapping[str, float],
    track: str,
    curve_points: int | None,
) -> DatasetMetrics:
    """The metrics of :data:`METHODS` on one set, and each frame's AP of the fused score.

    Args:
        frames: The set's labelled frames.
        scores: Their stored score maps of the base methods.
        fusion_weights: Weights of the fused method.
        track: ``"anomaly"`` or ``"obstacle"`` (SegmentMeIfYouCan's component filters).
        curve_points: Points kept on the PR and ROC curves.

    Raises:
        ValueError: unknown ``track``, or a frame has no stored scores.
    """
    if track not in TRACKS:
        raise ValueError(f"Unknown component track '{track}'; choose one of {sorted(TRACKS)}")
    missing = sorted(set(frames) - set(scores))
    if missing:
        raise ValueError(f"No stored scores for {len(missing)} frame(s), e.g. {missing[:3]}")

    def scored_frames() -> Iterator[MethodsFrame]:
        for frame_id in sorted(frames):
            stored = with_fusion(scores[frame_id](), fusion_weights)
            yield frame_id, stored, frames[frame_id]().label

    result = evaluate_methods(
        scored_frames, METHODS, TRACKS[track], curve_points, per_frame_method=FUSION_METHOD
    )
    for method, metrics in result.methods.items():
        pixel = metrics.pixel
        logger.info(
            "%s: AP %.4f FPR95 %.4f AUROC %.4f",
            method,
            pixel.average_precision,
            pixel.fpr_at_95_tpr,
            pixel.auroc,
        )
    return result
