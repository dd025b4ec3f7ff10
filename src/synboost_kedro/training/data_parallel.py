"""What a training loop needs to know about the other processes of a data-parallel run (DDP).

:data:`SINGLE_PROCESS` makes every hook the identity, so one training loop serves both cases.
With ``w`` processes, ``batch_size`` stays the *global* batch: rank ``r`` loads items
``r, r + w, …`` of the shared :class:`EpochSampler` order, ``batch_size / w`` at a time, so step
``s`` of all ranks together covers exactly the frames of step ``s`` of one process. Each rank
divides its summed class-weighted loss by the weight total of the whole global batch, so DDP's
gradient mean equals the gradient of the single-process loss and the runs agree to float
rounding, whatever the number of processes (which is why it is not part of the resume
fingerprint).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn
from torch.utils.data import Dataset

from synboost_kedro.frames import IGNORE
from synboost_kedro.parallel import ProcessGroup
from synboost_kedro.scoring import Sample
from synboost_kedro.training.dissimilarity_data import EpochSampler

logger = logging.getLogger(__name__)


class DataParallelGroup(ProcessGroup):
    """A :class:`ProcessGroup` with what a data-parallel training loop asks of it."""

    def rank_batch_size(self, batch_size: int) -> int:
        """This rank's share of the global ``batch_size``.

        Raises:
            ValueError: ``batch_size`` is not a multiple of the number of processes.
        """
        if batch_size % self.world_size:
            raise ValueError(
                f"dissimilarity_training.batch_size ({batch_size}) is the global batch and must "
                f"be a multiple of the {self.world_size} processes"
            )
        return batch_size // self.world_size

    def wrap(self, model: nn.Module, device: torch.device) -> nn.Module:
        """``model`` for training steps: itself alone, in ``DistributedDataParallel`` otherwise.

        On CUDA, BatchNorm layers become SyncBatchNorm so statistics span the global batch;
        PyTorch has no CPU SyncBatchNorm, so on CPU they normalise each rank's share.
        """
        if self.world_size == 1:
            return model
        has_batch_norm = any(isinstance(module, nn.BatchNorm2d) for module in model.modules())
        if has_batch_norm and device.type == "cuda":
            model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
        elif has_batch_norm and self.is_main:
            logger.warning(
                "BatchNorm statistics are per rank on CPU (no CPU SyncBatchNorm): results "
                "differ slightly from one process"
            )
        device_ids = [device.index] if device.type == "cuda" else None
        return nn.parallel.DistributedDataParallel(model, device_ids=device_ids)

    def sampler(
        self, num_items: int, seed: int, flip: bool, items_per_epoch: int | None = None
    ) -> EpochSampler:
        """This rank's share of the shuffled epoch order (all of it alone)."""
        if self.world_size == 1:
            return EpochSampler(
                num_items, seed, shuffle=True, flip=flip, items_per_epoch=items_per_epoch
            )
        return PaddedEpochSampler(
            num_items,
            seed,
            shuffle=True,
            flip=flip,
            rank=self.rank,
            world_size=self.world_size,
            items_per_epoch=items_per_epoch,
        )

    def dataset(self, dataset: Dataset[Sample]) -> Dataset[Sample]:
        """``dataset`` as this rank's sampler addresses it."""
        return dataset if self.world_size == 1 else PaddingMask(dataset)

    def has_labels(self, label: torch.Tensor) -> bool:
        """Whether the global batch has any labelled pixel (the same answer on every rank)."""
        labelled = (label != IGNORE).sum()
        if self.world_size > 1:
            dist.all_reduce(labelled)
        return bool(labelled)

    def loss(
        self, criterion: nn.CrossEntropyLoss, logits: torch.Tensor, label: torch.Tensor
    ) -> tuple[torch.Tensor, float]:
        """The loss to back-propagate on this rank, and the global batch's loss value.

        Alone: ``criterion``. Together: this rank's weighted sum over the global weight total,
        times the world size that DDP's gradient mean divides by again.
        """
        if self.world_size == 1:
            loss = criterion(logits, label)
            return loss, loss.item()
        summed = F.cross_entropy(
            logits,
            label,
            weight=criterion.weight,
            ignore_index=criterion.ignore_index,
            reduction="sum",
        )
        labelled = label != criterion.ignore_index
        weights = criterion.weight[label[labelled]].sum()
        totals = torch.stack([summed.detach(), weights])
        dist.all_reduce(totals)
        return summed * self.world_size / totals[1], (totals[0] / totals[1]).item()

    def check_same(self, value: int, what: str) -> None:
        """Raise on every rank unless all ranks hold the same ``value``.

        Raises:
            RuntimeError: the ranks disagree; the message lists their values.
        """
        if self.world_size == 1:
            return
        values: list[int] = [0] * self.world_size
        dist.all_gather_object(values, value)
        if len(set(values)) > 1:
            raise RuntimeError(
                f"The {self.world_size} processes disagree on {what}: {values} (by rank). "
                "dissimilarity_training.resume_dir must be on storage every machine sees"
            )


SINGLE_PROCESS = DataParallelGroup()


class PaddedEpochSampler(EpochSampler):
    """A rank's share of the epoch order, padded so every rank takes the same number of steps.

    Items are ``(index, flip, is_padding)``; a padding item repeats the share's last item and
    :class:`PaddingMask` voids its label, so it adds nothing to the loss or the gradient.
    """

    def __iter__(self) -> Iterator[tuple[int, bool, bool]]:
        share = list(super().__iter__())
        padding = (share[-1] if share else (0, False)) + (True,)
        yield from (item + (False,) for item in share)
        yield from (padding for _ in range(len(self) - len(share)))

    def __len__(self) -> int:
        return math.ceil(self.items_per_epoch / self.world_size)


class PaddingMask(Dataset[Sample]):
    """``dataset`` addressed by ``(index, flip, is_padding)``; padding samples are all void."""

    def __init__(self, dataset: Dataset[Sample]) -> None:
        self.dataset = dataset

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, item: tuple[int, bool, bool]) -> Sample:
        index, flip, is_padding = item
        sample = self.dataset[(index, flip)]
        if is_padding:
            sample["label"] = torch.full_like(sample["label"], IGNORE)
        return sample
