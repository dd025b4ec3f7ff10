"""Nodes of the ``evaluation`` pipeline.

Scores are computed once per set and stored as float16 maps; metrics, the fusion-weight search
and the reports then read them as often as they need, without running a network again.
"""

from __future__ import annotations

import logging
from typing import Any

from matplotlib.figure import Figure
from torch import nn

from synboost_kedro.evaluation import (
    FUSION_METHOD,
    ScoringConfig,
    SetScorer,
    measure_scored_set,
    search_fusion_weights,
)
from synboost_kedro.evaluation.report import (
    curves_figure,
    metrics_csv,
    metrics_markdown,
    mlflow_metrics,
    overlay_figure,
)
from synboost_kedro.evaluation.set_metrics import FrameLoaders, ScoreLoaders
from synboost_kedro.pipelines.dissimilarity_input import dissimilarity_input_size
from synboost_kedro.scoring import fuse_scores
from synboost_kedro.utils.device import resolve_device
from synboost_kedro.utils.precision import DEFAULT_PRECISION
from synboost_kedro.utils.strict_fields import check_known_keys

logger = logging.getLogger(__name__)

#: The keys of the ``evaluation`` parameters.
PARAMETER_KEYS = {
    "batch_size": None,
    "device": None,
    "precision": None,
    "curve_points": None,
    "overlay_frames": None,
    "fusion": ("weights", "grid_search"),
}


def _checked(params: dict[str, Any]) -> dict[str, Any]:
    check_known_keys(params, PARAMETER_KEYS, "evaluation parameters")
    return params


def score_set(
    frames: FrameLoaders,
    maps: FrameLoaders,
    model: nn.Module,
    params: dict[str, Any],
    perceptual_params: dict[str, Any],
) -> SetScorer:
    """Score maps of every base method for one set, produced lazily as the catalog writes them.

    Args:
        frames: The set's frames (image and label).
        maps: Their uncertainty maps.
        model: The trained dissimilarity network.
        params: ``evaluation`` parameters: ``batch_size``, ``device``, ``precision``.
        perceptual_params: ``uncertainty_maps.perceptual``, whose size is the network's input.

    Every scored set is in benchmark form, so the semantic input is the segmenter's prediction.
    """
    _checked(params)
    height, width = dissimilarity_input_size(perceptual_params)
    config = ScoringConfig(
        height=height,
        width=width,
        batch_size=params["batch_size"],
        semantic_source="prediction",
        precision=params.get("precision", DEFAULT_PRECISION),
    )
    return SetScorer(
        frames, maps, model, config, resolve_device(params["device"], "evaluation.device")
    )


def select_fusion_weights(
    frames: FrameLoaders,
    maps: FrameLoaders,
    model: nn.Module,
    params: dict[str, Any],
    perceptual_params: dict[str, Any],
) -> dict[str, float]:
    """Fusion weights: the configured ones, or the best of the original's grid on validation.

    The search scores the validation anomaly set (``sets.SELECTION_SET``, never an evaluation
    set), as the paper searched on Fishyscapes Lost & Found val, and only when it is switched on.
    """
    _checked(params)
    if not params["fusion"]["grid_search"]:
        return dict(params["fusion"]["weights"])
    scorer = score_set(frames, maps, model, params, perceptual_params)
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

    Returns:
        ``{"metrics": {method: AnomalyMetrics}, "frame_ap": {frame_id: AP}}``.
    """
    _checked(params)
    result = measure_scored_set(frames, scores, fusion_weights, track, params["curve_points"])
    return {"metrics": result.methods, "frame_ap": result.frame_average_precision}


def build_report(
    fusion_weights: dict[str, float], **set_results: dict[str, Any]
) -> tuple[str, str, dict[str, dict[str, float | int]], Figure, Figure]:
    """The metrics table (CSV, Markdown), MLflow metrics and PR/ROC figures of all sets.

    Raises:
        ValueError: no benchmark is configured.
    """
    if not set_results:
        raise ValueError(
            "No evaluation benchmark is configured: name one in conf/<env>/benchmarks.yml"
        )
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
    _checked(params)
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
