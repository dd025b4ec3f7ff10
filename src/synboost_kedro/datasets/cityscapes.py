"""A Cityscapes split on disk (``leftImg8bit`` + ``gtFine``) as a lazily loaded Kedro dataset."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from kedro.io.core import AbstractDataset, DatasetError

from synboost_kedro.cityscapes import colourise_label_ids, invalid_label_ids
from synboost_kedro.datasets.image_io import read_integer_map, read_rgb, write_image
from synboost_kedro.frames import CityscapesFrame

logger = logging.getLogger(__name__)

IMAGE_SUFFIX = "_leftImg8bit.png"
LABEL_SUFFIX = "_gtFine_labelIds.png"
INSTANCE_SUFFIX = "_gtFine_instanceIds.png"
COLOUR_SUFFIX = "_gtFine_color.png"
#: Written at the root of a generated dataset; saving refuses to write into a root without it.
SYNTHETIC_MARKER = "SYNTHETIC_DATASET"

FrameLoader = Callable[[], CityscapesFrame]


def city_of(frame_id: str) -> str:
    """The city of a frame id ``<city>_<sequence>_<frame>`` (city names may contain '_' or '-')."""
    return frame_id.rsplit("_", 2)[0]


class CityscapesDataset(AbstractDataset[Mapping[str, Any], dict[str, FrameLoader]]):
    """One split of a Cityscapes-layout root.

    ``load()`` returns ``{frame_id: loader}``, where calling ``loader()`` reads and validates that
    frame. Images and label maps are paired by frame id (never by sort order); a frame missing one
    of its files fails at ``load()`` naming the file.

    ``save({frame_id: frame or callable returning a frame})`` writes the same layout, including the
    ``gtFine_color.png`` rendering. It only writes into an empty root or one it generated, so a
    real Cityscapes copy is never overwritten by the synthetic generator.

    Example catalog entry::

        cityscapes_train:
          type: synboost_kedro.datasets.CityscapesDataset
          root: ${globals:cityscapes_root}
          split: train
    """

    def __init__(self, root: str, split: str, metadata: dict[str, Any] | None = None) -> None:
        self._root = Path(root)
        self._split = split
        self.metadata = metadata

    @property
    def image_dir(self) -> Path:
        return self._root / "leftImg8bit" / self._split

    @property
    def label_dir(self) -> Path:
        return self._root / "gtFine" / self._split

    def _describe(self) -> dict[str, Any]:
        return {"root": str(self._root), "split": self._split}

    def _exists(self) -> bool:
        return self.image_dir.is_dir() and any(self.image_dir.glob(f"*/*{IMAGE_SUFFIX}"))

    def load(self) -> dict[str, FrameLoader]:
        if not self.image_dir.is_dir():
            raise DatasetError(
                f"Cityscapes split '{self._split}' not found: '{self.image_dir}' is not a folder. "
                "Set `cityscapes_root` in conf/<env>/globals.yml, or generate the synthetic data "
                "with `kedro run --pipelines synthetic_data`."
            )
        image_paths = {
            path.name[: -len(IMAGE_SUFFIX)]: path
            for path in self.image_dir.glob(f"*/*{IMAGE_SUFFIX}")
        }
        if not image_paths:
            raise DatasetError(f"No '*{IMAGE_SUFFIX}' images under '{self.image_dir}'")
        self._check_pairs(image_paths)
        return {
            frame_id: partial(self._load_frame, frame_id, image_paths[frame_id])
            for frame_id in sorted(image_paths)
        }

    def _label_path(self, frame_id: str, suffix: str) -> Path:
        return self.label_dir / city_of(frame_id) / f"{frame_id}{suffix}"

    def _check_pairs(self, image_paths: Mapping[str, Path]) -> None:
        for frame_id in sorted(image_paths):
            for suffix in (LABEL_SUFFIX, INSTANCE_SUFFIX):
                if not self._label_path(frame_id, suffix).is_file():
                    raise DatasetError(
                        f"'{image_paths[frame_id]}' has no partner "
                        f"'{self._label_path(frame_id, suffix)}'"
                    )
        for path in self.label_dir.glob(f"*/*{LABEL_SUFFIX}"):
            if path.name[: -len(LABEL_SUFFIX)] not in image_paths:
                raise DatasetError(f"'{path}' has no image in '{self.image_dir}'")

    def _load_frame(self, frame_id: str, image_path: Path) -> CityscapesFrame:
        image = read_rgb(image_path)
        label_path = self._label_path(frame_id, LABEL_SUFFIX)
        instance_path = self._label_path(frame_id, INSTANCE_SUFFIX)
        label_ids = read_integer_map(label_path, np.uint8)
        instance_ids = read_integer_map(instance_path, np.int32)
        for path, array in ((label_path, label_ids), (instance_path, instance_ids)):
            if array.shape != image.shape[:2]:
                raise DatasetError(
                    f"'{path}' is {array.shape[1]}x{array.shape[0]} but its image "
                    f"'{image_path}' is {image.shape[1]}x{image.shape[0]}"
                )
        bad = invalid_label_ids(label_ids)
        if bad.size:
            raise DatasetError(
                f"'{label_path}' holds values that are not Cityscapes label ids: {bad}"
            )
        return CityscapesFrame(frame_id, image, label_ids, instance_ids)

    def save(self, data: Mapping[str, CityscapesFrame | FrameLoader]) -> None:
        self._claim_root()
        for frame_id, item in data.items():
            frame = item() if callable(item) else item
            if frame.frame_id != frame_id:
                raise DatasetError(f"Frame saved under '{frame_id}' has id '{frame.frame_id}'")
            self._save_frame(frame)
        logger.info("Wrote %d frames to '%s'", len(data), self.image_dir)

    def _claim_root(self) -> None:
        marker = self._root / SYNTHETIC_MARKER
        if (self._root / "leftImg8bit").exists() and not marker.exists():
            raise DatasetError(
                f"Refusing to write into '{self._root}': it holds a Cityscapes dataset that this "
                "project did not generate. Point `cityscapes_root` at an empty folder."
            )
        self._root.mkdir(parents=True, exist_ok=True)
        marker.touch()

    def _save_frame(self, frame: CityscapesFrame) -> None:
        city = city_of(frame.frame_id)
        write_image(self.image_dir / city / f"{frame.frame_id}{IMAGE_SUFFIX}", frame.image)
        label_dir = self.label_dir / city
        write_image(label_dir / f"{frame.frame_id}{LABEL_SUFFIX}", frame.label_ids)
        write_image(label_dir / f"{frame.frame_id}{INSTANCE_SUFFIX}", frame.instance_ids)
        write_image(
            label_dir / f"{frame.frame_id}{COLOUR_SUFFIX}", colourise_label_ids(frame.label_ids)
        )
