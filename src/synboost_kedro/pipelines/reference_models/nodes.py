"""Nodes of the ``reference_models`` pipeline: train (or load) and score both reference networks.

Each model's parameters hold ``model`` (``architecture``, ``options``), ``training``,
``evaluation``, ``state_folder``, ``checkpoint`` and ``train``:

* a configured ``checkpoint`` skips training: a model file written by ``TorchModelDataset`` is
  loaded as it is; any other file is read as a state dict (bare, or the ``{"state_dict": ...}``
  container of the original release, DataParallel prefix stripped) for the configured
  architecture and loaded strictly;
* otherwise ``train: false`` builds the architecture from its options alone (for builders that
  read release files themselves, such as ``ccfpse`` with ``generator_path``/``encoder_path``);
* otherwise the network is trained, resumably, on the training split.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PIL import Image
from torch import nn

from synboost_kedro.models.factories import create_model
from synboost_kedro.models.model_file import read_network
from synboost_kedro.training.data import FrameLoader
from synboost_kedro.training.reference_example import reference_example_grid
from synboost_kedro.training.segmentation import (
    evaluate_segmentation,
    train_segmentation,
)
from synboost_kedro.training.synthesis import evaluate_synthesis, train_synthesis

logger = logging.getLogger(__name__)

MetricHistory = dict[str, list[dict[str, float]]]
TrainingLoop = Callable[..., tuple[nn.Module, list[dict[str, float]]]]


def fit_segmentation_model(
    train_frames: dict[str, FrameLoader], params: dict[str, Any]
) -> tuple[nn.Module, MetricHistory]:
    """Train the segmentation network on the training split, or load the configured checkpoint.

    Args:
        train_frames: ``cityscapes_train``: frame loaders by frame id.
        params: ``reference_segmentation`` parameters.

    Returns:
        The network and its per-epoch losses in the ``MlflowMetricsHistoryDataset`` form
        (empty when a checkpoint was loaded).
    """
    return _fit("segmentation", train_segmentation, train_frames, params)


def fit_synthesis_model(
    train_frames: dict[str, FrameLoader], params: dict[str, Any]
) -> tuple[nn.Module, MetricHistory]:
    """Train the synthesis network on the training split, or load the configured checkpoint.

    Args:
        train_frames: ``cityscapes_train``: frame loaders by frame id.
        params: ``reference_synthesis`` parameters.

    Returns:
        The network and its per-epoch losses (empty when a checkpoint was loaded).
    """
    return _fit("synthesis", train_synthesis, train_frames, params)


def score_segmentation_model(
    model: nn.Module, val_frames: dict[str, FrameLoader], params: dict[str, Any]
) -> dict[str, dict[str, float]]:
    """Validation mIoU, pixel accuracy and per-class IoU, as MLflow metrics (step 0).

    Per-class IoUs are named ``iou_<class>`` and cover the classes present in the ground truth.
    """
    scores = evaluate_segmentation(model, val_frames, params["evaluation"])
    for name, iou in scores["per_class_iou"].items():
        logger.info("  IoU %-14s %.3f", name, iou)
    flat = {"miou": scores["miou"], "pixel_accuracy": scores["pixel_accuracy"]}
    flat |= {f"iou_{name.replace(' ', '_')}": iou for name, iou in scores["per_class_iou"].items()}
    return {name: {"value": value, "step": 0} for name, value in flat.items()}


def score_synthesis_model(
    model: nn.Module, val_frames: dict[str, FrameLoader], params: dict[str, Any]
) -> dict[str, dict[str, float]]:
    """Validation L1 and PSNR of redrawing each frame from its ground truth, as MLflow metrics."""
    scores = evaluate_synthesis(model, val_frames, params["evaluation"])
    return {name: {"value": value, "step": 0} for name, value in scores.items()}


def draw_reference_example(
    segmentation_model: nn.Module,
    synthesis_model: nn.Module,
    val_frames: dict[str, FrameLoader],
    params: dict[str, Any],
) -> Image.Image:
    """A grid with one validation frame per row: image | predicted segmentation | synthesis.

    Args:
        segmentation_model: The reference segmentation network.
        synthesis_model: The reference synthesis network.
        val_frames: ``cityscapes_val``.
        params: ``reference_example``: ``frames`` (how many rows), ``segmentation_height`` /
            ``segmentation_width`` and ``synthesis_height`` / ``synthesis_width``.
    """
    grid = reference_example_grid(
        segmentation_model,
        synthesis_model,
        dict(sorted(val_frames.items())[: params["frames"]]),
        (params["segmentation_height"], params["segmentation_width"]),
        (params["synthesis_height"], params["synthesis_width"]),
    )
    return Image.fromarray(grid)


def _fit(
    kind: str, train: TrainingLoop, train_frames: dict[str, FrameLoader], params: dict[str, Any]
) -> tuple[nn.Module, MetricHistory]:
    if params.get("checkpoint"):
        logger.info(
            "Loading the %s network from '%s'; training skipped", kind, params["checkpoint"]
        )
        model_config = params["model"]
        network = read_network(
            params["checkpoint"],
            kind,
            model_config.get("architecture"),
            model_config.get("options") or {},
        )
        return network, {}
    if not params["train"]:
        logger.info("Building the %s network from its options; training skipped", kind)
        model_config = params["model"]
        model = create_model(kind, model_config["architecture"], **model_config["options"])
        return model.eval(), {}
    model, history = train(
        train_frames, params["model"], params["training"], params["state_folder"]
    )
    metrics = {
        name: [{"value": record[name], "step": record["epoch"]} for record in history]
        for name in history[0]
        if name != "epoch"
    }
    return model, metrics
