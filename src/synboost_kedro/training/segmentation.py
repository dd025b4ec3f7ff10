"""Training and evaluation of a segmentation network on Cityscapes frames (Kedro-free)."""

from __future__ import annotations

import logging
import os
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from synboost_kedro.cityscapes import IGNORE_TRAIN_ID, NUM_TRAIN_IDS, TRAIN_ID_NAMES
from synboost_kedro.models.segmentation import create_segmentation_model
from synboost_kedro.training.checkpointing import EpochCheckpointer, run_resumable_epochs
from synboost_kedro.training.class_weights import enet_class_weights
from synboost_kedro.training.data import FrameLoader, FrameTensors, epoch_batches, load_frames
from synboost_kedro.training.reference_training import reference_fingerprint, reference_precision
from synboost_kedro.utils.precision import scaled_step, scaler_state
from synboost_kedro.utils.progress import progress_bar

logger = logging.getLogger(__name__)


def inverse_log_frequency_weights(train_ids: torch.Tensor) -> torch.Tensor:
    """Class weights ``1 / ln(1.02 + p_c)`` (ENet), so rare classes are not drowned by road and sky.

    Args:
        train_ids: Train-id maps of the training set; 255 is ignored.

    Returns:
        ``[19]`` weights; classes absent from ``train_ids`` get 0.
    """
    valid = train_ids[train_ids != IGNORE_TRAIN_ID]
    counts = torch.bincount(valid.flatten(), minlength=NUM_TRAIN_IDS)
    weights = torch.from_numpy(enet_class_weights(counts.numpy())).float()
    return torch.where(counts > 0, weights, torch.zeros_like(weights))


def train_segmentation(
    frames: dict[str, FrameLoader],
    model_config: dict[str, Any],
    training: dict[str, Any],
    resume_dir: str | os.PathLike | None = None,
) -> tuple[nn.Module, list[dict[str, float]]]:
    """Train a segmentation network with class-weighted cross-entropy (label 255 ignored).

    Args:
        frames: Training frames by frame id (lazy loaders, as the Cityscapes dataset gives them).
        model_config: ``architecture`` and ``options`` for ``create_segmentation_model``, and
            optionally ``backbone_weights``, a local ImageNet checkpoint for the trunk.
        training: ``seed``, ``epochs``, ``batch_size``, ``learning_rate``, ``weight_decay``,
            ``height``, ``width`` (training resolution), ``flip`` (random mirroring),
            ``class_weighting`` (``"inverse_log_frequency"`` or ``"none"``) and optionally
            ``precision`` of the forward passes (fp32 by default; the loss stays float32).
        resume_dir: Folder of the per-epoch training state; re-running resumes from it.

    Returns:
        The trained network in eval mode and the per-epoch history (``loss``, ``learning_rate``).
    """
    precision = reference_precision(training, "segmentation")
    scaler = precision.grad_scaler()
    torch.manual_seed(training["seed"])
    model = create_segmentation_model(model_config["architecture"], **model_config["options"])
    if model_config.get("backbone_weights"):
        model.load_backbone_weights(model_config["backbone_weights"])
    data = load_frames(frames, training["height"], training["width"], "segmentation training")
    class_weights = _class_weights(data, training["class_weighting"])
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=training["learning_rate"], weight_decay=training["weight_decay"]
    )
    batches_per_epoch = -(-len(data) // training["batch_size"])
    total_steps = training["epochs"] * batches_per_epoch

    def train_one_epoch(epoch: int) -> dict[str, float]:
        model.train()
        losses = []
        batches = epoch_batches(
            data, training["batch_size"], training["seed"], epoch, training["flip"]
        )
        for step, batch in enumerate(
            progress_bar(
                batches,
                f"segmentation epoch {epoch + 1}",
                "batch",
                total=batches_per_epoch,
                leave=False,
            )
        ):
            learning_rate = _poly_learning_rate(
                training["learning_rate"], epoch * batches_per_epoch + step, total_steps
            )
            for group in optimizer.param_groups:
                group["lr"] = learning_rate
            with precision.autocast():
                logits = model(batch.images_imagenet)
            loss = F.cross_entropy(
                logits.float(), batch.train_ids, weight=class_weights, ignore_index=IGNORE_TRAIN_ID
            )
            scaled_step(loss, optimizer, scaler)
            losses.append(loss.item())
        return {"loss": sum(losses) / len(losses), "learning_rate": learning_rate}

    checkpointer = EpochCheckpointer(
        resume_dir,
        reference_fingerprint(model_config, training, frames, precision.name),
        {"model": model},
        {"optimizer": optimizer, **scaler_state(scaler)},
    )
    history = run_resumable_epochs(
        checkpointer, training["epochs"], train_one_epoch, "segmentation"
    )
    return model.eval(), history


def _class_weights(data: FrameTensors, weighting: str) -> torch.Tensor | None:
    if weighting == "none":
        return None
    if weighting == "inverse_log_frequency":
        return inverse_log_frequency_weights(data.train_ids)
    raise ValueError(
        f"class_weighting must be 'inverse_log_frequency' or 'none', got '{weighting}'"
    )


def _poly_learning_rate(base: float, step: int, total_steps: int, power: float = 0.9) -> float:
    return base * (1 - step / max(total_steps, 1)) ** power


@torch.no_grad()
def predict_train_ids(model: nn.Module, frames: FrameTensors, batch_size: int) -> torch.Tensor:
    """Arg-max train ids of ``model`` on ``frames``, ``[N, H, W]`` long."""
    model.eval()
    predictions = [
        model(
            frames.subset(torch.arange(start, min(start + batch_size, len(frames)))).images_imagenet
        ).argmax(1)
        for start in range(0, len(frames), batch_size)
    ]
    return torch.cat(predictions)


def confusion_matrix(
    predicted: torch.Tensor, target: torch.Tensor, num_classes: int = NUM_TRAIN_IDS
) -> torch.Tensor:
    """``[num_classes, num_classes]`` counts (rows = target, columns = prediction), 255 ignored."""
    valid = target != IGNORE_TRAIN_ID
    pairs = target[valid].long() * num_classes + predicted[valid].long()
    return torch.bincount(pairs, minlength=num_classes**2).view(num_classes, num_classes)


def iou_scores(confusion: torch.Tensor) -> dict[str, Any]:
    """Per-class IoU and their mean over the classes present in the ground truth.

    Returns:
        ``{"miou", "pixel_accuracy", "per_class_iou": {class name: IoU}}``; the per-class map
        only holds classes with ground-truth pixels.
    """
    confusion = confusion.double()
    true_positives = confusion.diag()
    union = confusion.sum(0) + confusion.sum(1) - true_positives
    present = confusion.sum(1) > 0
    iou = true_positives / union.clamp(min=1)
    per_class = {TRAIN_ID_NAMES[c]: iou[c].item() for c in range(len(iou)) if present[c]}
    return {
        "miou": iou[present].mean().item() if present.any() else float("nan"),
        "pixel_accuracy": (true_positives.sum() / confusion.sum().clamp(min=1)).item(),
        "per_class_iou": per_class,
    }


def evaluate_segmentation(
    model: nn.Module, frames: dict[str, FrameLoader], evaluation: dict[str, Any]
) -> dict[str, Any]:
    """Mean and per-class IoU of ``model`` on ``frames`` (see :func:`iou_scores`).

    Args:
        model: A segmentation network.
        frames: Validation frames by frame id.
        evaluation: ``height`` and ``width`` of the evaluation resolution and ``batch_size``.
    """
    data = load_frames(frames, evaluation["height"], evaluation["width"], "segmentation validation")
    predicted = predict_train_ids(model, data, evaluation["batch_size"])
    scores = iou_scores(confusion_matrix(predicted, data.train_ids))
    logger.info(
        "Segmentation validation mIoU %.3f over %d classes",
        scores["miou"],
        len(scores["per_class_iou"]),
    )
    return scores
