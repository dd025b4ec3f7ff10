"""The dissimilarity-training set: frames paired with their maps, and the epoch sampler.

Samples are built by :func:`synboost_kedro.scoring.prepare_sample`, as in evaluation and
inference. Batches are drawn by :class:`EpochSampler`, whose order and flips depend only on
``(seed, epoch)``: an epoch draws the same batches whether training ran straight through or was
resumed, and ranks of a distributed run take disjoint shares of the same order.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset, Sampler

from synboost_kedro.scoring.samples import (
    SEMANTIC_SOURCES,
    FrameLoader,
    Sample,
    SemanticSource,
    pair_frames,
    prepare_sample,
    resize_nearest,
)
from synboost_kedro.storage.processed_set import frames_from_json, frames_to_json


def flip_sample(sample: Sample) -> Sample:
    """Mirror every map of a sample horizontally (the one flip shared by all inputs)."""
    return {name: tensor.flip(-1) for name, tensor in sample.items()}


def training_masks(
    frames: Mapping[str, FrameLoader], height: int, width: int
) -> Iterator[np.ndarray]:
    """The anomaly masks of ``frames`` at the training size, as the loss sees them."""
    for frame_id in sorted(frames):
        label = frames[frame_id]().label
        if label is None:
            raise ValueError(f"Frame '{frame_id}' has no anomaly label")
        yield resize_nearest(label, height, width)[0].numpy()


class DissimilarityDataset(Dataset[Sample]):
    """The frames of one processed set, paired with their maps by frame id, loaded lazily.

    Items are addressed by index, or by ``(index, flip)`` as :class:`EpochSampler` yields them.

    Args:
        frames: ``{frame_id: loader}`` of the label-swapped frames (``<set>__swapped_frames``).
        maps: ``{frame_id: loader}`` of the uncertainty maps (``<set>__maps``).
        height: Training height.
        width: Training width.
        description: Name of the set, for error messages.
        semantic_source: ``"swapped_labels"`` (original recipe) or ``"prediction"``.
        num_semantic_classes: Channels of the one-hot semantic map.
    """

    def __init__(
        self,
        frames: Mapping[str, FrameLoader],
        maps: Mapping[str, FrameLoader],
        height: int,
        width: int,
        description: str,
        *,
        semantic_source: SemanticSource = "swapped_labels",
        num_semantic_classes: int = 19,
    ) -> None:
        if semantic_source not in SEMANTIC_SOURCES:
            raise ValueError(
                f"semantic_source must be one of {SEMANTIC_SOURCES}, got '{semantic_source}'"
            )
        self.frame_ids = pair_frames(frames, maps, description)
        self._frames = dict(frames)
        self._maps = dict(maps)
        self.height = height
        self.width = width
        self.semantic_source = semantic_source
        self.num_semantic_classes = num_semantic_classes
        self.description = description

    def to_json(self) -> dict[str, Any]:
        """This set as plain data, for a job handed to other processes.

        Raises:
            ValueError: its frames are not stored in processed sets, so they cannot be described.
        """
        return {
            "frames": frames_to_json(self._frames),
            "maps": frames_to_json(self._maps),
            "height": self.height,
            "width": self.width,
            "description": self.description,
            "semantic_source": self.semantic_source,
            "num_semantic_classes": self.num_semantic_classes,
        }

    @classmethod
    def from_json(cls, values: Mapping[str, Any]) -> DissimilarityDataset:
        """Rebuild a set described by :meth:`to_json`."""
        return cls(
            frames_from_json(values["frames"]),
            frames_from_json(values["maps"]),
            int(values["height"]),
            int(values["width"]),
            str(values["description"]),
            semantic_source=values["semantic_source"],
            num_semantic_classes=int(values["num_semantic_classes"]),
        )

    def __len__(self) -> int:
        return len(self.frame_ids)

    def masks(self) -> Iterator[np.ndarray]:
        """The anomaly masks at the training size (the maps are not read)."""
        return training_masks(self._frames, self.height, self.width)

    def __getitem__(self, item: int | tuple[int, bool]) -> Sample:
        index, flip = item if isinstance(item, tuple) else (item, False)
        frame_id = self.frame_ids[index]
        sample = prepare_sample(
            self._frames[frame_id](),
            self._maps[frame_id](),
            self.height,
            self.width,
            semantic_source=self.semantic_source,
            num_semantic_classes=self.num_semantic_classes,
        )
        return flip_sample(sample) if flip else sample


class EpochSampler(Sampler[tuple[int, bool]]):
    """``(index, flip)`` pairs of one epoch, drawn from a generator seeded with ``(seed, epoch)``.

    Like ``DistributedSampler``, call :meth:`set_epoch` before each epoch; rank ``r`` of ``w``
    takes every ``w``-th item of the shared order starting at ``r``.

    With ``items_per_epoch`` an epoch is that many consecutive items of an endless stream of
    passes (pass ``k`` is the permutation and flips a whole epoch ``k`` would draw), so a run can
    validate and checkpoint more often than once per pass over the data.

    Args:
        num_items: Size of the dataset.
        seed: Base seed.
        shuffle: Permute the items each epoch (otherwise dataset order).
        flip: Mirror each item with probability 0.5.
        rank: This process's rank.
        world_size: Number of processes sharing the data.
        items_per_epoch: Items per epoch; ``None`` is one pass over the dataset.
    """

    def __init__(
        self,
        num_items: int,
        seed: int,
        *,
        shuffle: bool = True,
        flip: bool = False,
        rank: int = 0,
        world_size: int = 1,
        items_per_epoch: int | None = None,
    ) -> None:
        if not 0 <= rank < world_size:
            raise ValueError(f"rank must be in [0, {world_size}), got {rank}")
        self.num_items = num_items
        self.items_per_epoch = num_items if items_per_epoch is None else items_per_epoch
        self.seed = seed
        self.shuffle = shuffle
        self.flip = flip
        self.rank = rank
        self.world_size = world_size
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __iter__(self) -> Iterator[tuple[int, bool]]:
        start = self.epoch * self.items_per_epoch
        positions = range(start + self.rank, start + self.items_per_epoch, self.world_size)
        passes: dict[int, tuple[list[int], list[bool]]] = {}
        for position in positions:
            number, offset = divmod(position, self.num_items)
            if number not in passes:
                passes[number] = self._pass(number)
            order, flips = passes[number]
            index = order[offset]
            yield index, flips[index] and self.flip

    def _pass(self, number: int) -> tuple[list[int], list[bool]]:
        """The order and flips of pass ``number`` (as one-pass epoch ``number`` draws them)."""
        generator = torch.Generator().manual_seed(self.seed * 100_003 + number)
        if self.shuffle:
            order = torch.randperm(self.num_items, generator=generator)
        else:
            order = torch.arange(self.num_items)
        flips = torch.rand(self.num_items, generator=generator) < 0.5
        return order.tolist(), flips.tolist()

    def __len__(self) -> int:
        return len(range(self.rank, self.items_per_epoch, self.world_size))
