"""Cityscapes frames as training tensors at a fixed resolution, with a per-epoch seeded order."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from synboost_kedro.cityscapes import LABEL_TO_TRAIN_ID
from synboost_kedro.frames import CityscapesFrame
from synboost_kedro.utils.progress import progress_bar

FrameLoader = Callable[[], CityscapesFrame]

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class FrameTensors:
    """Frames resized to one resolution, stored compactly (a whole split is held in memory).

    Attributes:
        images: ``[B, 3, H, W]`` uint8 RGB.
        label_ids: ``[B, H, W]`` uint8 Cityscapes label ids.
        instance_ids: ``[B, H, W]`` int32 instance ids.
    """

    images: torch.Tensor
    label_ids: torch.Tensor
    instance_ids: torch.Tensor

    @property
    def train_ids(self) -> torch.Tensor:
        """``[B, H, W]`` long train ids, 255 on void classes."""
        return torch.from_numpy(LABEL_TO_TRAIN_ID).long()[self.label_ids.long()]

    @property
    def images_unit(self) -> torch.Tensor:
        """``[B, 3, H, W]`` float images in ``[0, 1]``."""
        return self.images.float() / 255

    @property
    def images_imagenet(self) -> torch.Tensor:
        """The images normalised with the ImageNet mean and std (segmentation input)."""
        mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
        std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
        return (self.images_unit - mean) / std

    @property
    def images_signed(self) -> torch.Tensor:
        """The images in ``[-1, 1]`` (synthesis input and target)."""
        return self.images_unit * 2 - 1

    def __len__(self) -> int:
        return self.images.shape[0]

    def subset(self, indices: torch.Tensor) -> FrameTensors:
        return FrameTensors(
            self.images[indices], self.label_ids[indices], self.instance_ids[indices]
        )

    def flipped(self, mask: torch.Tensor) -> FrameTensors:
        """Mirror horizontally the frames where ``mask`` is true."""

        def flip(tensor: torch.Tensor) -> torch.Tensor:
            view = mask.view(-1, *([1] * (tensor.dim() - 1)))
            return torch.where(view, tensor.flip(-1), tensor)

        return FrameTensors(flip(self.images), flip(self.label_ids), flip(self.instance_ids))


def frame_to_tensors(frame: CityscapesFrame, height: int, width: int) -> FrameTensors:
    """Resize one frame: the image with antialiased bilinear filtering, the maps with nearest."""
    # A copy: frames read from disk may be read-only arrays, which torch cannot wrap.
    image = torch.tensor(frame.image).permute(2, 0, 1)[None].float()
    image = F.interpolate(image, size=(height, width), mode="bilinear", antialias=True)
    maps = np.stack([frame.label_ids.astype(np.int64), frame.instance_ids.astype(np.int64)])
    # Float32 holds ids up to 2**24 exactly, far above Cityscapes' classId * 1000 + k.
    maps = F.interpolate(torch.from_numpy(maps)[None].float(), size=(height, width), mode="nearest")
    maps = maps[0].round()
    return FrameTensors(
        image.round().clamp(0, 255).to(torch.uint8),
        maps[0:1].to(torch.uint8),
        maps[1:2].to(torch.int32),
    )


def load_frames(
    loaders: Mapping[str, FrameLoader], height: int, width: int, description: str
) -> FrameTensors:
    """Load and resize every frame, in frame-id order (so results do not depend on dict order).

    Raises:
        ValueError: ``loaders`` is empty.
    """
    if not loaders:
        raise ValueError(f"No frames to load for {description}")
    parts = [
        frame_to_tensors(loaders[frame_id](), height, width)
        for frame_id in progress_bar(sorted(loaders), f"loading {description}", "frame")
    ]
    return FrameTensors(
        torch.cat([part.images for part in parts]),
        torch.cat([part.label_ids for part in parts]),
        torch.cat([part.instance_ids for part in parts]),
    )


def epoch_batches(
    frames: FrameTensors, batch_size: int, seed: int, epoch: int, flip: bool
) -> Iterator[FrameTensors]:
    """Shuffled batches of one epoch, optionally mirrored at random.

    The order and the flips come from a generator seeded with ``(seed, epoch)`` alone, so an
    epoch draws the same batches whether training ran straight through or was resumed.
    """
    generator = torch.Generator().manual_seed(seed * 100_003 + epoch)
    order = torch.randperm(len(frames), generator=generator)
    flips = torch.rand(len(frames), generator=generator) < 0.5
    for start in range(0, len(frames), batch_size):
        indices = order[start : start + batch_size]
        batch = frames.subset(indices)
        yield batch.flipped(flips[indices]) if flip else batch
