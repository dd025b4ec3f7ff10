"""Anomaly benchmarks on disk, in the official layouts, as lazily loaded Kedro datasets.

Every layout loads to the common form ``{frame_id: loader}`` where ``loader()`` returns an
:class:`~synboost_kedro.frames.AnomalyFrame` (mask 1 = anomaly, 0 = normal, 255 = ignore).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from kedro.io.core import AbstractDataset, DatasetError

from synboost_kedro.datasets.image_io import read_integer_map, read_rgb, write_image
from synboost_kedro.frames import ANOMALY, IGNORE, NORMAL, AnomalyFrame

logger = logging.getLogger(__name__)

AnomalyLoader = Callable[[], AnomalyFrame]
_MASK_VALUES = np.array([NORMAL, ANOMALY, IGNORE], dtype=np.uint8)


@dataclass(frozen=True)
class BenchmarkLayout:
    """Where a benchmark keeps its images and masks, relative to its root."""

    image_dir: str
    image_suffix: str
    mask_dir: str
    mask_suffix: str


LAYOUTS: dict[str, BenchmarkLayout] = {
    # Fishyscapes (Lost & Found, Static) as exported from bdlb / TFDS: RGB + 0/1/255 mask PNG.
    "fishyscapes": BenchmarkLayout("images", ".png", "labels", ".png"),
    # SegmentMeIfYouCan tracks (RoadAnomaly21, RoadObstacle21).
    "smiyc_anomaly": BenchmarkLayout("images", ".jpg", "labels_masks", "_labels_semantic.png"),
    "smiyc_obstacle": BenchmarkLayout("images", ".webp", "labels_masks", "_labels_semantic.png"),
}


class AnomalyBenchmarkDataset(AbstractDataset[Mapping[str, Any], dict[str, AnomalyLoader]]):
    """An anomaly benchmark in one of :data:`LAYOUTS`, paired by frame id.

    Example catalog entry::

        fishyscapes_lost_and_found:
          type: synboost_kedro.datasets.AnomalyBenchmarkDataset
          path: data/01_raw/fs_lost_and_found
          layout: fishyscapes
    """

    def __init__(
        self,
        path: str,
        layout: str,
        save_args: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if layout not in LAYOUTS:
            raise DatasetError(
                f"Unknown benchmark layout '{layout}'; choose one of {sorted(LAYOUTS)}"
            )
        self._root = Path(path)
        self._layout_name = layout
        self._layout = LAYOUTS[layout]
        self._save_args = save_args or (
            {"quality": 95} if self._layout.image_suffix == ".jpg" else {}
        )
        self.metadata = metadata

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._root), "layout": self._layout_name}

    def _image_path(self, frame_id: str) -> Path:
        return self._root / self._layout.image_dir / f"{frame_id}{self._layout.image_suffix}"

    def _mask_path(self, frame_id: str) -> Path:
        return self._root / self._layout.mask_dir / f"{frame_id}{self._layout.mask_suffix}"

    def _exists(self) -> bool:
        return any((self._root / self._layout.image_dir).glob(f"*{self._layout.image_suffix}"))

    def load(self) -> dict[str, AnomalyLoader]:
        image_dir = self._root / self._layout.image_dir
        suffix = self._layout.image_suffix
        frame_ids = sorted(path.name[: -len(suffix)] for path in image_dir.glob(f"*{suffix}"))
        if not frame_ids:
            raise DatasetError(f"No '*{suffix}' images in '{image_dir}'")
        for frame_id in frame_ids:
            if not self._mask_path(frame_id).is_file():
                raise DatasetError(
                    f"'{self._image_path(frame_id)}' has no mask '{self._mask_path(frame_id)}'"
                )
        return {frame_id: partial(self._load_frame, frame_id) for frame_id in frame_ids}

    def _load_frame(self, frame_id: str) -> AnomalyFrame:
        image = read_rgb(self._image_path(frame_id))
        mask_path = self._mask_path(frame_id)
        mask = read_integer_map(mask_path, np.uint8)
        if mask.shape != image.shape[:2]:
            raise DatasetError(
                f"'{mask_path}' is {mask.shape[1]}x{mask.shape[0]} but its image is "
                f"{image.shape[1]}x{image.shape[0]}"
            )
        unexpected = np.setdiff1d(np.unique(mask), _MASK_VALUES)
        if unexpected.size:
            raise DatasetError(f"'{mask_path}' holds values {unexpected} outside {{0, 1, 255}}")
        return AnomalyFrame(frame_id, image, mask)

    def save(self, data: Mapping[str, AnomalyFrame | AnomalyLoader]) -> None:
        for frame_id, item in data.items():
            frame = item() if callable(item) else item
            write_image(self._image_path(frame_id), frame.image, **self._save_args)
            write_image(self._mask_path(frame_id), frame.mask)
        logger.info("Wrote %d anomaly frames to '%s'", len(data), self._root)
