"""The dissimilarity-network training loop (docs/method.md, "Training"), Kedro-free, without the
original's flaws.

Recipe: Adam (lr 1e-4, betas 0.5/0.999) over all parameters, batch 4, random horizontal flip,
class-weighted cross-entropy ignoring 255, ``ReduceLROnPlateau`` on the loss. Fixes: the class
weights come from the training masks (``class_weights.py``), the scheduler is stepped with the
validation loss (the original used a test set's loss), the best epoch is chosen on a held-out
validation anomaly set by AP then loss (the original chose on its test sets; the pipeline passes
``anomaly_val``), and it runs on CPU or CUDA. Optionally a moving average of the weights is what is
validated and kept (``ema_decay``), and epochs can be shorter than a pass (``frames_per_epoch``).
The step may run in mixed precision and through ``torch.compile`` (``dissimilarity_step.py``).

Resuming: the state after each completed epoch is written by ``EpochCheckpointer``; batches come
from :class:`EpochSampler`, seeded by ``(seed, epoch)`` alone, so on CPU a resumed run ends with
the same weights as an uninterrupted one. Only the process that owns ``resume_dir`` should write
it (rank 0 of a distributed run).
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import math
from collections.abc import Callable

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, Sampler

from synboost_kedro.frames import IGNORE
from synboost_kedro.metrics import PixelMetricAccumulator
from synboost_kedro.models.dissimilarity import DissimilarityNet, create_dissimilarity_model
from synboost_kedro.scoring import Sample, network_outputs
from synboost_kedro.training.checkpointing import EpochCheckpointer
from synboost_kedro.training.class_weights import count_label_pixels
from synboost_kedro.training.data_parallel import SINGLE_PROCESS, DataParallelGroup
from synboost_kedro.training.dissimilarity_config import (
    DissimilarityTrainingConfig,
)
from synboost_kedro.training.dissimilarity_data import DissimilarityDataset
from synboost_kedro.training.dissimilarity_step import TrainingStep, compiled_for_training
from synboost_kedro.utils import seed_everything
from synboost_kedro.utils.device import loader_options, prepare_device, resolve_device
from synboost_kedro.utils.precision import FLOAT32, Precision, scaler_state
from synboost_kedro.utils.progress import progress_bar

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class TrainingResult:
    """What a training run produced.

    Attributes:
        model: The best network (CPU, eval mode, with its build config attached).
        history: Per completed epoch: ``epoch`` (1-based), ``train_loss``, ``val_loss``,
            ``val_average_precision`` and ``learning_rate``.
        best_epoch: The 1-based epoch whose weights ``model`` holds.
    """

    model: DissimilarityNet
    history: list[dict[str, float]]
    best_epoch: int


def build_model(config: DissimilarityTrainingConfig) -> DissimilarityNet:
    """The untrained network of ``config`` (VGG from ``vgg_weights_path`` if set)."""
    options = config.network_config().to_dict()
    return create_dissimilarity_model(vgg_weights_path=config.vgg_weights_path, **options)


def is_better(
    candidate: dict[str, float], best: dict[str, float] | None, selection_metric: str
) -> bool:
    """Whether the ``candidate`` epoch beats ``best``: higher AP, then lower loss (or loss only)."""
    if best is None:
        return True
    if selection_metric == "average_precision":
        if candidate["val_average_precision"] != best["val_average_precision"]:
            return candidate["val_average_precision"] > best["val_average_precision"]
    return candidate["val_loss"] < best["val_loss"]


def train_dissimilarity(
    config: DissimilarityTrainingConfig,
    train_set: DissimilarityDataset,
    val_set: DissimilarityDataset,
    class_weights: np.ndarray,
    *,
    group: DataParallelGroup = SINGLE_PROCESS,
    on_epoch: Callable[[dict[str, float]], None] | None = None,
) -> TrainingResult:
    """Train the dissimilarity network and return the epoch best on the validation split.

    Args:
        config: Training settings.
        train_set: Training frames (flipped and shuffled per epoch).
        val_set: Held-out frames for model selection; never a test set.
        class_weights: Cross-entropy weights ``[normal, anomaly]``.
        group: This process's place in a data-parallel run (``training/distributed.py``); the
            training steps are shared, validation and the checkpoint are rank 0's.
        on_epoch: Called on every rank with each completed epoch's history record, after rank 0
            saved the epoch's state.

    Returns:
        The best network and the per-epoch history (including epochs of a resumed run).
    """
    if config.selection_metric == "average_precision":
        _check_selectable(val_set)
    seed_everything(config.seed)
    device = group.device(resolve_device(config.device, "dissimilarity_training.device"))
    prepare_device(device)
    precision = Precision.on(config.precision, device, "dissimilarity_training.precision")
    model = build_model(config).to(device)
    if device.type == "cuda":
        # Tensor cores convolve NHWC; benchmarks/gpu.py times the step in both layouts.
        model.use_channels_last()
    best_model = copy.deepcopy(model)
    average = _weight_average(model, config.ema_decay)
    validated = model if average is None else average.module
    optimizer = torch.optim.Adam(
        model.parameters(),
        lr=config.learning_rate,
        betas=(config.adam_beta1, config.adam_beta2),
        weight_decay=config.weight_decay,
    )
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
        optimizer, mode="min", factor=config.plateau_factor, patience=config.plateau_patience
    )
    criterion = nn.CrossEntropyLoss(
        weight=torch.as_tensor(class_weights, dtype=torch.float32, device=device),
        ignore_index=IGNORE,
    )
    scaler = precision.grad_scaler()
    checkpointer = EpochCheckpointer(
        config.resume_dir,
        fingerprint={
            **config.fingerprint(precision.name),
            "train_frames": train_set.frame_ids,
            "val_frames": val_set.frame_ids,
            "class_weights": [float(weight) for weight in class_weights],
        },
        modules={
            "model": model,
            "best_model": best_model,
            **({} if average is None else {"weight_average": average}),
        },
        # ReduceLROnPlateau and GradScaler have the optimizer's state_dict interface; their
        # state must resume too.
        optimizers={"optimizer": optimizer, "scheduler": scheduler, **scaler_state(scaler)},
    )
    completed, history = checkpointer.restore()
    if completed >= config.epochs:
        logger.warning(
            "'%s' already holds %d trained epochs of this configuration and these frame ids; "
            "returning their best model without training. Delete the folder to retrain, e.g. "
            "after the uncertainty maps were regenerated (their content is not fingerprinted)",
            config.resume_dir,
            completed,
        )
    group.check_same(completed, "the completed epochs found in resume_dir")
    step = TrainingStep(
        compiled_for_training(group.wrap(model, device), config.compile),
        criterion,
        optimizer,
        precision,
        scaler,
        group=group,
        average=average,
    )
    sampler = group.sampler(len(train_set), config.seed, config.flip, config.frames_per_epoch)
    train_loader = _loader(
        group.dataset(train_set),
        config,
        sampler=sampler,
        device=device,
        batch_size=group.rank_batch_size(config.batch_size),
    )
    val_loader = _loader(val_set, config, sampler=None, device=device)

    epochs = range(completed, config.epochs)
    for epoch in progress_bar(epochs, "dissimilarity training", "epoch", show=group.is_main):
        sampler.set_epoch(epoch)
        learning_rate = optimizer.param_groups[0]["lr"]
        train_loss = _train_epoch(step, train_loader, device)
        # Rank 0 validates and shares the result, so every rank steps its scheduler alike.
        scores = (
            evaluate(validated, val_loader, criterion, device, precision)
            if group.is_main
            else (0.0, 0.0)
        )
        val_loss, val_ap = group.broadcast(scores)
        scheduler.step(val_loss)
        record = {
            "epoch": epoch + 1,
            "train_loss": train_loss,
            "val_loss": val_loss,
            "val_average_precision": val_ap,
            "learning_rate": learning_rate,
        }
        if is_better(
            record, _best_record(history, config.selection_metric), config.selection_metric
        ):
            best_model.load_state_dict(validated.state_dict())
        history.append(record)
        logger.info(
            "epoch %d/%d: train loss %.4f, val loss %.4f, val AP %.4f",
            epoch + 1,
            config.epochs,
            train_loss,
            val_loss,
            val_ap,
        )
        if group.is_main:
            checkpointer.save(epoch + 1, history)
        group.barrier()
        if on_epoch is not None:
            on_epoch(record)

    best = _best_record(history, config.selection_metric)
    logger.info(
        "best epoch %d (val AP %.4f, val loss %.4f)",
        best["epoch"],
        best["val_average_precision"],
        best["val_loss"],
    )
    best_model = best_model.cpu().eval()
    return TrainingResult(best_model, history, int(best["epoch"]))


def _weight_average(
    model: nn.Module, decay: float | None
) -> torch.optim.swa_utils.AveragedModel | None:
    if decay is None:
        return None
    return torch.optim.swa_utils.AveragedModel(
        model, multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(decay), use_buffers=True
    )


def _check_selectable(val_set: DissimilarityDataset) -> None:
    """Fail before training when validation AP cannot be computed, rather than after an epoch."""
    normal, anomaly = count_label_pixels(val_set.masks())
    if not normal or not anomaly:
        raise ValueError(
            f"The validation split ({len(val_set)} frames) holds {anomaly} anomaly and {normal} "
            "normal pixels at the training size, so its AP is undefined; add frames with "
            "anomalies or set dissimilarity_training.selection_metric to 'loss'"
        )


def _best_record(history: list[dict[str, float]], selection_metric: str) -> dict[str, float] | None:
    best = None
    for record in history:
        if is_better(record, best, selection_metric):
            best = record
    return best


def _loader(
    dataset: Dataset[Sample],
    config: DissimilarityTrainingConfig,
    sampler: Sampler | None,
    device: torch.device,
    batch_size: int | None = None,
) -> DataLoader:
    return DataLoader(
        dataset,
        batch_size=batch_size or config.batch_size,
        sampler=sampler,
        shuffle=False,
        num_workers=config.num_workers,
        # Worker seeds come from this generator, not from the global one the state file restores.
        generator=torch.Generator().manual_seed(config.seed),
        **loader_options(device, config.num_workers),
    )


def _to_device(batch: Sample, device: torch.device) -> Sample:
    return {name: tensor.to(device, non_blocking=True) for name, tensor in batch.items()}


def _train_epoch(step: TrainingStep, loader: DataLoader, device: torch.device) -> float:
    """One pass over the training batches; the mean of the (global) batch losses."""
    step.model.train()
    losses = []
    is_main = step.group.is_main
    for stored in progress_bar(loader, "training", "batch", show=is_main, leave=False):
        batch = _to_device(stored, device)
        if not step.group.has_labels(batch["label"]):
            # A weighted mean over zero pixels is NaN and would poison every weight.
            logger.warning("Skipping a training batch whose pixels are all void (255)")
            continue
        losses.append(step(batch))
    return float(np.mean(losses)) if losses else math.nan


@torch.no_grad()
def evaluate(
    model: nn.Module,
    loader: DataLoader,
    criterion: nn.Module,
    device: torch.device,
    precision: Precision = FLOAT32,
) -> tuple[float, float]:
    """Mean batch loss and pixel AP of the anomaly probability over a validation loader.

    The network runs in ``precision``; the loss, the softmax and AP in float32. AP is exact over
    float16-rounded probabilities, which bounds the accumulator's memory for large validation
    splits without changing which epoch is best in practice. It is NaN when the split holds no
    anomaly or no normal pixel.
    """
    model.eval()
    losses = []
    accumulator = PixelMetricAccumulator()
    for stored in progress_bar(loader, "validation", "batch", leave=False):
        batch = _to_device(stored, device)
        with precision.autocast():
            logits = network_outputs(model, batch)
        logits = logits.float()
        if (batch["label"] != IGNORE).any():
            losses.append(criterion(logits, batch["label"]).item())
        scores = torch.softmax(logits, dim=1)[:, 1].half().cpu().numpy()
        accumulator.update(scores, batch["label"].cpu().numpy())
    try:
        average_precision = accumulator.compute(max_curve_points=2).average_precision
    except ValueError as error:
        logger.warning("Validation AP is undefined: %s", error)
        average_precision = math.nan
    return (float(np.mean(losses)) if losses else math.nan), average_precision
