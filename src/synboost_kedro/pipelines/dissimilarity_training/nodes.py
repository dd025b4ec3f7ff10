"""Nodes of ``dissimilarity_training``: class weights from the masks, training, metric histories."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import partial
from typing import Any

import numpy as np

from synboost_kedro.models.dissimilarity import DissimilarityNet
from synboost_kedro.parallel import LaunchConfig
from synboost_kedro.pipelines.dissimilarity_input import dissimilarity_input_size
from synboost_kedro.pipelines.sets import SELECTION_SET, TRAINING_SETS
from synboost_kedro.scoring import FrameLoader
from synboost_kedro.training.class_weights import (
    CLASS_NAMES,
    count_label_pixels,
    enet_class_weights,
)
from synboost_kedro.training.dissimilarity import (
    DissimilarityTrainingConfig,
    train_dissimilarity,
)
from synboost_kedro.training.dissimilarity_data import DissimilarityDataset, training_masks
from synboost_kedro.training.distributed import launch_training

logger = logging.getLogger(__name__)
(TRAIN_SET,) = TRAINING_SETS

#: Per-epoch entries of the training history that become MLflow metric histories.
#: The parameter section of the process/machine layout (``parallel/launch.py``).
DISTRIBUTED = "distributed"
EPOCH_METRICS = ("train_loss", "val_loss", "val_average_precision", "learning_rate")


def compute_class_weights(
    train_frames: Mapping[str, FrameLoader],
    params: dict[str, Any],
    perceptual_params: dict[str, Any],
) -> dict[str, float]:
    """ENet class weights ``1 / ln(c + f)`` from every training mask at the training size.

    Returns:
        ``{"normal": w0, "anomaly": w1}``.
    """
    config = training_config(params, perceptual_params)
    masks = training_masks(train_frames, config.height, config.width)
    counts = count_label_pixels(masks)
    weights = enet_class_weights(counts, config.class_weight_offset)
    logger.info(
        "Anomaly pixels: %.2f%% of %d labelled training pixels; class weights %s",
        100 * counts[1] / counts.sum(),
        counts.sum(),
        np.round(weights, 4).tolist(),
    )
    return dict(zip(CLASS_NAMES, weights.tolist(), strict=True))


def train_dissimilarity_model(
    *,
    train_frames: Mapping[str, FrameLoader],
    train_maps: Mapping[str, FrameLoader],
    val_frames: Mapping[str, FrameLoader],
    val_maps: Mapping[str, FrameLoader],
    class_weights: dict[str, float],
    params: dict[str, Any],
    perceptual_params: dict[str, Any],
) -> tuple[DissimilarityNet, DissimilarityNet, dict[str, Any]]:
    """Train on the label-swapped frames; keep the epoch best on the validation anomaly set.

    The validation frames are in benchmark form (image and anomaly mask, maps re-synthesised from
    the prediction), so they feed the network as the evaluation sets do: semantic input from the
    prediction, whatever ``semantic_source`` the training frames use.

    Returns:
        The best network twice (the project's model file and the MLflow model) and the training
        summary ``{"history": [per-epoch dict], "best_epoch": int}``.
    """
    config = training_config(params, perceptual_params)
    datasets = {
        name: DissimilarityDataset(
            frames,
            maps,
            config.height,
            config.width,
            name,
            semantic_source=semantic_source,
            num_semantic_classes=config.network_config().num_semantic_classes,
        )
        for name, frames, maps, semantic_source in (
            (TRAIN_SET, train_frames, train_maps, config.semantic_source),
            (SELECTION_SET, val_frames, val_maps, "prediction"),
        )
    }
    weights = np.array([class_weights[name] for name in CLASS_NAMES])
    launch = LaunchConfig.from_params(
        params.get(DISTRIBUTED), f"dissimilarity_training.{DISTRIBUTED}"
    )
    # Several processes: torchrun runs the Kedro-free loop per rank; this node runs once.
    train = partial(launch_training, launch) if launch.is_distributed else train_dissimilarity
    result = train(config, datasets[TRAIN_SET], datasets[SELECTION_SET], weights)
    summary = {"history": result.history, "best_epoch": result.best_epoch}
    return result.model, result.model, summary


def training_config(
    params: dict[str, Any], perceptual_params: dict[str, Any]
) -> DissimilarityTrainingConfig:
    """The loop's settings: every ``dissimilarity_training`` key but ``distributed``, at the
    dissimilarity input size (``uncertainty_maps.perceptual``)."""
    height, width = dissimilarity_input_size(perceptual_params)
    settings = {key: value for key, value in params.items() if key != DISTRIBUTED}
    return DissimilarityTrainingConfig.from_dict({**settings, "height": height, "width": width})


def metric_histories(
    summary: dict[str, Any], class_weights: dict[str, float]
) -> dict[str, list[dict[str, float]]]:
    """The training summary in ``MlflowMetricsHistoryDataset`` form (step = 1-based epoch)."""
    history = summary["history"]
    best = next(record for record in history if record["epoch"] == summary["best_epoch"])
    metrics = {
        name: [{"value": record[name], "step": record["epoch"]} for record in history]
        for name in EPOCH_METRICS
    }
    metrics["best_epoch"] = [{"value": best["epoch"], "step": 0}]
    metrics["best_val_average_precision"] = [
        {"value": best["val_average_precision"], "step": best["epoch"]}
    ]
    metrics["best_val_loss"] = [{"value": best["val_loss"], "step": best["epoch"]}]
    for name, weight in class_weights.items():
        metrics[f"class_weight_{name}"] = [{"value": weight, "step": 0}]
    return metrics
