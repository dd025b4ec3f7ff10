"""Frames decoded and resized for the three networks, in DataLoader workers, then batched by size.

Resizing happens here with Pillow, as in the original (bicubic for the segmentation and synthesis
inputs, NEAREST for label maps and for the RGB image entering the perceptual difference,
docs/method.md, "Sizes and constants"), so the main process only stacks tensors and runs networks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset

from synboost_kedro.cityscapes import SYNTHESIS_UNKNOWN_LABEL_ID
from synboost_kedro.frames import ProcessedFrame
from synboost_kedro.uncertainty.config import MapConfig, Size, SynthesisLabels

FrameLoader = Callable[[], ProcessedFrame]
Sample = dict[str, Any]

# Label maps mark unknown pixels 255; synthesis networks reserve id 35 for them (docs/method.md,
# "Re-synthesis").
_UNKNOWN_LABEL = 255


def resize_array(array: np.ndarray, size: Size | None, resample: Image.Resampling) -> np.ndarray:
    """Resize an ``[H, W]`` or ``[H, W, 3]`` array to ``size`` (``H, W``) with Pillow.

    ``None`` or the array's own size returns it unchanged.
    """
    if size is None or array.shape[:2] == tuple(size):
        return array
    height, width = size
    return np.asarray(Image.fromarray(array).resize((width, height), resample))


class FrameInputs(Dataset):
    """The network inputs of each frame, as uint8/integer tensors (one sample per frame).

    A sample holds ``frame_id``; ``segmentation_image``, ``synthesis_image`` and
    ``perceptual_image`` (``[3, H, W]`` uint8 at the configured sizes); and, when synthesis is
    driven by annotations, ``label_ids`` and ``instance_ids`` (``[H, W]`` int64 at the synthesis
    size).

    Args:
        frame_loaders: ``{frame_id: loader}`` as a ``ProcessedDataset`` loads them.
        frame_ids: The frames to serve, in order.
        config: Sizes and synthesis source.

    Raises:
        ValueError: (from ``__getitem__``) a frame lacks a field it needs or has a malformed image
            or label map; the message names the frame.
    """

    def __init__(
        self, frame_loaders: Mapping[str, FrameLoader], frame_ids: Sequence[str], config: MapConfig
    ) -> None:
        self.frame_loaders = frame_loaders
        self.frame_ids = list(frame_ids)
        self.config = config

    def __len__(self) -> int:
        return len(self.frame_ids)

    def __getitem__(self, index: int) -> Sample:
        frame_id = self.frame_ids[index]
        frame = self.frame_loaders[frame_id]()
        if frame.frame_id != frame_id:
            raise ValueError(f"The loader of frame '{frame_id}' returned frame '{frame.frame_id}'")
        image = _checked_image(frame)
        config = self.config
        sample = {
            "frame_id": frame_id,
            "segmentation_image": _channels_first(
                resize_array(image, config.segmentation_size, Image.Resampling.BICUBIC)
            ),
            "synthesis_image": _channels_first(
                resize_array(image, config.synthesis_size, Image.Resampling.BICUBIC)
            ),
            "perceptual_image": _channels_first(
                resize_array(image, config.perceptual_size, Image.Resampling.NEAREST)
            ),
        }
        if config.synthesis_labels is SynthesisLabels.ANNOTATION:
            label_ids, instance_ids = _checked_annotation(frame, image.shape[:2])
            label_ids = np.where(
                label_ids == _UNKNOWN_LABEL, np.uint8(SYNTHESIS_UNKNOWN_LABEL_ID), label_ids
            )
            for name, labels in (("label_ids", label_ids), ("instance_ids", instance_ids)):
                resized = resize_array(labels, config.synthesis_size, Image.Resampling.NEAREST)
                sample[name] = torch.from_numpy(resized.astype(np.int64))
        return sample


def batches_by_size(samples: Iterable[Sample], batch_size: int) -> Iterator[list[Sample]]:
    """Group samples into batches whose segmentation inputs share one size.

    With a fixed segmentation size every batch but the last is full. With native sizes, each
    size fills its own batch, so memory holds at most ``batch_size`` samples per distinct size.
    """
    pending: dict[tuple[int, ...], list[Sample]] = {}
    for sample in samples:
        key = tuple(sample["segmentation_image"].shape)
        group = pending.setdefault(key, [])
        group.append(sample)
        if len(group) == batch_size:
            yield pending.pop(key)
    yield from pending.values()


def _checked_image(frame: ProcessedFrame) -> np.ndarray:
    image = frame.image
    if image is None:
        raise ValueError(f"Frame '{frame.frame_id}' has no image")
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(
            f"Frame '{frame.frame_id}': image must be [H, W, 3] uint8 RGB, "
            f"got shape {image.shape} of {image.dtype}"
        )
    if image.size == 0:
        raise ValueError(f"Frame '{frame.frame_id}': image is empty, shape {image.shape}")
    return image


def _checked_annotation(
    frame: ProcessedFrame, image_size: tuple[int, int]
) -> tuple[np.ndarray, ...]:
    maps = []
    for name in ("label_ids", "instance_ids"):
        labels = getattr(frame, name)
        if labels is None:
            raise ValueError(
                f"Frame '{frame.frame_id}' has no {name}; synthesis from annotations needs the "
                "(label-swapped) label map and instance map of a training set"
            )
        if labels.shape != image_size:
            raise ValueError(
                f"Frame '{frame.frame_id}': {name} has size {labels.shape}, the image {image_size}"
            )
        maps.append(labels)
    return tuple(maps)


def _channels_first(image: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(image.transpose(2, 0, 1)))
