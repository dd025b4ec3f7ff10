"""Processed frames and their uncertainty maps as dissimilarity-network inputs (spec §1.3, §2.2).

Every map is NEAREST-resized to the training size (the original resizes the RGB image with NEAREST
too, spec §7 item 14), RGB and synthesis are ImageNet-normalised, priors scaled to [0, 1], the
semantic map one-hot encoded with void ids as all-zero pixels, and the label kept as 0/1/255.

Batches are drawn by :class:`EpochSampler`, whose order and flips depend only on ``(seed, epoch)``:
an epoch draws the same batches whether training ran straight through or was resumed, and ranks
of a distributed run take disjoint shares of the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Literal

import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset, Sampler

from synboost_kedro.frames import ProcessedFrame
from synboost_kedro.models.dissimilarity import imagenet_normalise, semantic_one_hot

FrameLoader = Callable[[], ProcessedFrame]
SemanticSource = Literal["swapped_labels", "prediction"]
#: Where the semantic input comes from: the label-swapped ground truth the synthesis was drawn
#: from (the original recipe, spec §2.3) or the segmentation network's prediction.
SEMANTIC_SOURCES: tuple[str, ...] = ("swapped_labels", "prediction")
#: Keys of one sample; ``label`` is ``[H, W]`` long, the others ``[C, H, W]`` float.
INPUT_KEYS = ("image", "synthesis", "semantic", "entropy", "mae", "distance")
Sample = dict[str, torch.Tensor]


def resize_nearest(array: np.ndarray, height: int, width: int) -> torch.Tensor:
    """``[H, W]`` or ``[H, W, 3]`` uint8 array → ``[C, height, width]`` tensor, resized with PIL's
    NEAREST filter exactly as the original's ``transforms.Resize(..., NEAREST)`` does."""
    if array.dtype != np.uint8:
        raise ValueError(f"Expected a uint8 map or image, got {array.dtype}")
    if array.shape[:2] != (height, width):
        array = np.asarray(Image.fromarray(array).resize((width, height), Image.NEAREST))
    tensor = torch.from_numpy(np.array(array))
    return tensor[None] if tensor.dim() == 2 else tensor.permute(2, 0, 1)


def prepare_sample(
    frame: ProcessedFrame,
    maps: ProcessedFrame,
    height: int,
    width: int,
    *,
    semantic_source: SemanticSource = "swapped_labels",
    num_semantic_classes: int = 19,
    label_required: bool = True,
) -> Sample:
    """The network inputs and the label of one frame at ``height`` × ``width``.

    Args:
        frame: Needs ``image`` and ``label`` (and ``semantic`` for ``"swapped_labels"``).
        maps: Needs ``synthesis``, ``entropy``, ``distance``, ``perceptual`` (and ``semantic``
            for ``"prediction"``).
        height: Training height.
        width: Training width.
        semantic_source: Which semantic map feeds the network.
        num_semantic_classes: Channels of the one-hot semantic map.
        label_required: ``False`` accepts an unlabelled frame (inference); the sample then
            has no ``label``.

    Raises:
        ValueError: a field is missing.
    """
    semantic_frame = frame if semantic_source == "swapped_labels" else maps
    fields = {
        "image": frame.image,
        "label": frame.label,
        "semantic": semantic_frame.semantic,
        "synthesis": maps.synthesis,
        "entropy": maps.entropy,
        "mae": maps.perceptual,
        "distance": maps.distance,
    }
    if not label_required and frame.label is None:
        del fields["label"]
    missing = sorted(name for name, array in fields.items() if array is None)
    if missing:
        raise ValueError(f"Frame '{frame.frame_id}' lacks {missing} for dissimilarity training")
    resized = {name: resize_nearest(array, height, width) for name, array in fields.items()}
    sample = {
        name: imagenet_normalise(resized[name][None].float() / 255)[0]
        for name in ("image", "synthesis")
    }
    sample["semantic"] = semantic_one_hot(resized["semantic"].long(), num_semantic_classes)[0]
    for name in ("entropy", "mae", "distance"):
        sample[name] = resized[name].float() / 255
    if "label" in resized:
        sample["label"] = resized["label"][0].long()
    return sample


def flip_sample(sample: Sample) -> Sample:
    """Mirror every map of a sample horizontally (the one flip shared by all inputs)."""
    return {name: tensor.flip(-1) for name, tensor in sample.items()}


def pair_frames(
    frames: Mapping[str, FrameLoader], maps: Mapping[str, FrameLoader], description: str
) -> list[str]:
    """The sorted frame ids present in both ``frames`` and ``maps``.

    Raises:
        ValueError: the two sides do not hold the same frame ids, or hold none.
    """
    only_frames = sorted(set(frames) - set(maps))
    only_maps = sorted(set(maps) - set(frames))
    if only_frames or only_maps:
        raise ValueError(
            f"{description}: frames and uncertainty maps do not pair by frame id; "
            f"{len(only_frames)} frame(s) without maps (e.g. {only_frames[:3]}), "
            f"{len(only_maps)} map set(s) without a frame (e.g. {only_maps[:3]}); "
            "re-run the uncertainty_maps pipeline"
        )
    if not frames:
        raise ValueError(f"{description}: no frames")
    return sorted(frames)


def training_masks(
    frames: Mapping[str, FrameLoader], height: int, width: int
) -> Iterator[np.ndarray]:
    """The anomaly masks of ``frames`` at the training size, as the loss sees them."""
    for frame_id in sorted(frames):
        label = frames[frame_id]().label
        if label is None:
            raise ValueError(f"Frame '{frame_id}' has no anomaly label")
        yield resize_nearest(label, height, width)[0].numpy()


def network_outputs(model: Callable[..., torch.Tensor], batch: Sample) -> torch.Tensor:
    """Logits of ``model`` for a batch as :class:`DissimilarityDataset` yields it."""
    return model(
        batch["image"],
        batch["synthesis"],
        batch["semantic"],
        entropy=batch["entropy"],
        mae=batch["mae"],
        distance=batch["distance"],
    )


class DissimilarityDataset(Dataset[Sample]):
    """The frames of one processed set, paired with their maps by frame id, loaded lazily.

    Items are addressed by index, or by ``(index, flip)`` as :class:`EpochSampler` yields them.

    Args:
        frames: ``{frame_id: loader}`` of the label-swapped frames (``<set>.swapped_frames``).
        maps: ``{frame_id: loader}`` of the uncertainty maps (``<set>.maps``).
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
