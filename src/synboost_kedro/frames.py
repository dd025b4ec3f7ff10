"""In-memory records of one frame, shared by datasets, generator and pipelines (Kedro-free)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Values of an anomaly mask (the Fishyscapes / SegmentMeIfYouCan convention).
NORMAL, ANOMALY, IGNORE = 0, 1, 255


@dataclass(frozen=True)
class CityscapesFrame:
    """One Cityscapes frame: RGB image with its fine label-id and instance-id maps.

    Attributes:
        frame_id: ``<city>_<sequence>_<frame>``, e.g. ``aachen_000000_000019``.
        image: ``[H, W, 3]`` uint8 RGB.
        label_ids: ``[H, W]`` uint8 Cityscapes label ids (0..33).
        instance_ids: ``[H, W]`` int32; ``classId * 1000 + k`` on instances of instance classes, the
            label id elsewhere (the ``gtFine_instanceIds.png`` convention).
    """

    frame_id: str
    image: np.ndarray
    label_ids: np.ndarray
    instance_ids: np.ndarray

    @property
    def city(self) -> str:
        return self.frame_id.split("_")[0]


@dataclass(frozen=True)
class AnomalyFrame:
    """One frame of an anomaly benchmark in the common form.

    Attributes:
        frame_id: The benchmark's frame id.
        image: ``[H, W, 3]`` uint8 RGB.
        mask: ``[H, W]`` uint8 with 1 = anomaly, 0 = normal, 255 = void / outside the region
            of interest.
    """

    frame_id: str
    image: np.ndarray
    mask: np.ndarray
