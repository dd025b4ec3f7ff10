"""Nodes of the ``evaluation`` pipeline.

Scores are computed once per set and stored as float16 maps; metrics, the fusion-weight search
and the reports then read them as often as they need, without running a network again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from torch import nn

from synboost_kedro.evaluation import (
    BASE_METHODS,
    FUSION_METHOD,
    ScoringConfig,
    SetScorer,
    fuse_scores,
    search_fusion_weights,
)
from synboost_kedro.evaluation.report import (
    curves_figure,
    metrics_csv,
    metrics_markdown,
    mlflow_metrics,
    overlay_figure,
)
from synboost_kedro.frames import ProcessedFrame
from synboost_kedro.metrics import (
    ANOMALY_TRACK,
    OBSTACLE_TRACK,
    AnomalyMetrics,
    ComponentMetricAccumulator,
    PixelMetricAccumulator,
)
from synboost_kedro.utils.device import resolve_device

logger = logging.getLogger(__name__)

TRACKS = {"anomaly": ANOMALY_TRACK, "obstacle": OBSTACLE_TRACK}
METHODS = (*BASE_METHODS, FUSION_METHOD)

FrameLoaders = Mapping[str, Callable[[], ProcessedFrame]]
ScoreLoaders = Mapping[str, Callable[[], dict[str, np.ndarray]]]


def score_set(
    frames: FrameLoaders,
    maps: FrameLoaders,
    model: nn.Module,
    params: dict[str, Any],
) -> SetScorer:
    """Score maps of every base method for one set, produced lazily as the catalog writes them.

    Args:
        frames: The set's frames (image and label).
        maps: Their uncertainty maps.
        model: The trained dissimilarity network.
        params: ``evaluation`` parameters: ``height``, ``width``, ``batch_size``, ``device``.

    Every scored set is in benchmark form, so the semantic input is the segmenter's prediction.
    """
    config = ScoringConfig(
        height=params["height"],
        width=params["width"],
        batch_size=params["batch_size"],
        semantic_source="prediction",
    )
    return SetScorer(
        frames, maps, model, config, resolve_device(params["device"], "evaluation.device")
    )


def _scores_with_labels(
    frames: FrameLoaders, scores: ScoreLoaders
) -> Iterator[tuple[str, dict[str, np.ndarray], np.ndarray, ProcessedFrame]]:
    missing = sorted(set(frames) - set(scores))
    if missing:
        raise ValueError(f"No stored scores for {len(missing)} frame(s), e.g. {missing[:3]}")
    for frame_id in sorted(frames):
        frame = frames[frame_id]()
        yield frame_id, scores[frame_id](), frame.label, frame


def select_fusion_weights(
    frames: FrameLoaders, maps: FrameLoaders, model: nn.Module, params: dict[str, Any]
) -> dict[str, float]:
    """Fusion weights: the configured ones, or the best of the original's grid on validation.

    The search scores the validation anomaly set (``sets.SELECTION_SET``, never an evaluation
    set), as the paper searched on Fishyscapes Lost & Found val, and only when it is switched on.
    """
    if not params["fusion"]["grid_search"]:
        return dict(params["fusion"]["weights"])
    scorer = score_set(frames, maps, model, params)
    labels = {frame_id: frames[frame_id]().label for frame_id in scorer.frame_ids()}

    def validation_frames():
        return ((scores, labels[frame_id]) for frame_id, scores in scorer(set()))

    weights, _ = search_fusion_weights(validation_frames)
    return weights


def measure_set(
    frames: FrameLoaders,
    scores: ScoreLoaders,
    fusion_weights: dict[str, float],
    params: dict[str, Any],
    track: str,
) -> dict[str, Any]:
    """Every metric of every method on one set, plus each frame's AP of the fused score.

    Two streaming passes: pixel metrics first, then component metrics at each method's best-F1
    threshold (the SegmentMeIfYouCan protocol).

    Returns:
        ``{"metrics": {method: AnomalyMetrics}, "frame_ap": {frame_id: AP}}``.
    """
    if track not in TRACKS:
        raise ValueError(f"Unknown component track '{track}'; choose one of {sorted(TRACKS)}")
    pixel = {method: PixelMetricAccumulator() for method in METHODS}
    frame_ap: dict[str, float] = {}
    for frame_id, stored, labels, _ in _scores_with_labels(frames, scores):
        maps = _with_fusion(stored, fusion_weights)
        for method in METHODS:
            pixel[method].update(maps[method], labels)
        if (labels == 1).any() and (labels == 0).any():
            single = PixelMetricAccumulator()
            single.update(maps[FUSION_METHOD], labels)
            frame_ap[frame_id] = single.compute(max_curve_points=2).average_precision
    pixel_metrics = {
        method: accumulator.compute(params["curve_points"]) for method, accumulator in pixel.items()
    }
    components = {
        method: ComponentMetricAccumulator(pixel_metrics[method].best_f1_threshold, TRACKS[track])
        for method in METHODS
    }
    for _, stored, labels, _ in _scores_with_labels(frames, scores):
        maps = _with_fusion(stored, fusion_weights)
        for method in METHODS:
            components[method].update(maps[method], labels)
    metrics = {
        method: AnomalyMetrics(pixel_metrics[method], components[method].compute())
        for method in METHODS
    }
    for method, result in metrics.items():
        logger.info(
            "%s: AP %.4f FPR95 %.4f AUROC %.4f",
            method,
            *(
                result.pixel.scalars()[key]
                for key in ("average_precision", "fpr_at_95_tpr", "auroc")
            ),
        )
    return {"metrics": metrics, "frame_ap": frame_ap}


def _with_fusion(maps: dict[str, np.ndarray], weights: dict[str, float]) -> dict[str, np.ndarray]:
    # Quantised to float16 like the stored maps (and SegmentMeIfYouCan's scores).
    return {**maps, FUSION_METHOD: fuse_scores(maps, weights).astype(np.float16)}


def build_report(
    fusion_weights: dict[str, float], **set_results: dict[str, Any]
) -> tuple[str, str, dict[str, dict[str, float | int]], Figure, Figure]:
    """The metrics table (CSV, Markdown), MLflow metrics and PR/ROC figures of all sets."""
    results = {name: result["metrics"] for name, result in set_results.items()}
    weights = ", ".join(f"{method} {weight:.3g}" for method, weight in fusion_weights.items())
    markdown = metrics_markdown(results) + f"\n`{FUSION_METHOD}` fusion weights: {weights}\n"
    logger.info("Evaluation results:\n%s", markdown)
    return (
        metrics_csv(results),
        markdown,
        mlflow_metrics(results),
        curves_figure(results, "pr"),
        curves_figure(results, "roc"),
    )


def render_overlays(
    frames: FrameLoaders,
    scores: ScoreLoaders,
    fusion_weights: dict[str, float],
    set_result: dict[str, Any],
    params: dict[str, Any],
    *,
    set_name: str,
) -> Figure:
    """Image | fused anomaly heat map | ground truth for the best and worst frames by AP."""
    ranked = sorted(set_result["frame_ap"].items(), key=lambda item: item[1], reverse=True)
    count = params["overlay_frames"]
    chosen = ranked[:count] + [item for item in ranked[-count:] if item not in ranked[:count]]
    rows = []
    for frame_id, average_precision in chosen:
        frame = frames[frame_id]()
        fused = fuse_scores(scores[frame_id](), fusion_weights)
        rows.append((frame_id, frame.image, fused, frame.label, average_precision))
    if not rows:
        raise ValueError(f"'{set_name}' has no frame with both anomaly and normal pixels")
    return overlay_figure(rows, f"{set_name}: best and worst frames ({FUSION_METHOD})")
