"""Nodes of the ``reference_models`` pipeline: train (or load) and score both reference networks.

Each model's parameters hold ``model`` (``architecture``, and ``options`` per architecture name),
``training``, ``evaluation``, ``resume_dir``, ``checkpoint`` and ``train``:

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
from synboost_kedro.utils.strict_fields import check_known_keys

logger = logging.getLogger(__name__)

MetricHistory = dict[str, list[dict[str, float]]]
_EVALUATION_KEYS = ("height", "width", "batch_size")
#: The keys of the ``reference_segmentation`` and ``reference_synthesis`` parameters; loss
#: weights are checked by the synthesis training itself.
PARAMETER_KEYS = {
    "segmentation": {
        "checkpoint": None,
        "train": None,
        "resume_dir": None,
        "model": ("architecture", "options", "backbone_weights"),
        "training": (
            "seed",
            "epochs",
            "batch_size",
            "learning_rate",
            "weight_decay",
            "height",
            "width",
            "flip",
            "class_weighting",
            "precision",
        ),
        "evaluation": _EVALUATION_KEYS,
    },
    "synthesis": {
        "checkpoint": None,
        "train": None,
        "resume_dir": None,
        "model": ("architecture", "options"),
        "training": {
            "seed": None,
            "epochs": None,
            "batch_size": None,
            "learning_rate": None,
            "height": None,
            "width": None,
            "flip": None,
            "losses": None,
            "perceptual_vgg_weights": None,
            "discriminator": ("base_channels", "num_layers"),
            "precision": None,
        },
        "evaluation": _EVALUATION_KEYS,
    },
}
TrainingLoop = Callable[..., tuple[nn.Module, list[dict[str, float]]]]


#: The ``reference_example`` parameters.
EXAMPLE_KEYS = ("frames",)


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
    *,
    segmentation_evaluation: dict[str, Any],
    synthesis_evaluation: dict[str, Any],
) -> Image.Image:
    """A grid with one validation frame per row: image | predicted segmentation | synthesis.

    Args:
        segmentation_model: The reference segmentation network.
        synthesis_model: The reference synthesis network.
        val_frames: ``cityscapes_val``.
        params: ``reference_example``: ``frames`` (how many rows).
        segmentation_evaluation: ``reference_segmentation.evaluation``; each network runs at
            the size it is scored at.
        synthesis_evaluation: ``reference_synthesis.evaluation``.
    """
    check_known_keys(params, EXAMPLE_KEYS, "reference_example parameters")
    grid = reference_example_grid(
        segmentation_model,
        synthesis_model,
        dict(sorted(val_frames.items())[: params["frames"]]),
        (segmentation_evaluation["height"], segmentation_evaluation["width"]),
        (synthesis_evaluation["height"], synthesis_evaluation["width"]),
    )
    return Image.fromarray(grid)


def _fit(
    kind: str, train: TrainingLoop, train_frames: dict[str, FrameLoader], params: dict[str, Any]
) -> tuple[nn.Module, MetricHistory]:
    check_known_keys(params, PARAMETER_KEYS[kind], f"reference_{kind} parameters")

    def configured() -> nn.Module:
        model_config = selected_model(kind, params["model"])
        return create_model(kind, model_config["architecture"], **model_config["options"])

    if params.get("checkpoint"):
        logger.info(
            "Loading the %s network from '%s'; training skipped", kind, params["checkpoint"]
        )
        return read_network(params["checkpoint"], kind, configured), {}
    if not params["train"]:
        logger.info("Building the %s network from its options; training skipped", kind)
        return configured().eval(), {}
    model_config = selected_model(kind, params["model"])
    model, history = train(train_frames, model_config, params["training"], params["resume_dir"])
    metrics = {
        name: [{"value": record[name], "step": record["epoch"]} for record in history]
        for name in history[0]
        if name != "epoch"
    }
    return model, metrics


def selected_model(kind: str, model: dict[str, Any]) -> dict[str, Any]:
    """``model`` with ``options`` narrowed to those of its ``architecture``.

    Options are given per architecture name, so an environment that switches the architecture
    (merged key by key onto the base) never mixes in the options of another one.

    Raises:
        ValueError: ``options`` has no entry for the architecture; the message names both.
    """
    architecture = model.get("architecture")
    options = model.get("options") or {}
    if architecture not in options:
        raise ValueError(
            f"Parameter reference_{kind}.model.options has no entry for the architecture "
            f"'{architecture}' (options are keyed by architecture; found {sorted(options)})"
        )
    return {**model, "options": options[architecture] or {}}
