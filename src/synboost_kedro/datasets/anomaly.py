"""Anomaly benchmarks on disk, in their official layouts, as lazily loaded Kedro datasets.

Every layout loads to ``{frame_id: loader}``; ``loader()`` returns a
:class:`~synboost_kedro.preparation.RawBenchmarkFrame` holding the label values exactly as the
benchmark stores them, validated against the layout's label format. The ``data_preparation``
pipeline turns them into the common form (1 = anomaly, 0 = normal, 255 = ignore) with
:func:`~synboost_kedro.preparation.to_anomaly_frame`.
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
from synboost_kedro.frames import AnomalyFrame
from synboost_kedro.preparation.benchmark_labels import (
    LABEL_FORMATS,
    RawBenchmarkFrame,
    check_raw_label,
)

logger = logging.getLogger(__name__)

RawLoader = Callable[[], RawBenchmarkFrame]


@dataclass(frozen=True)
class BenchmarkLayout:
    """Where a benchmark keeps its images and labels, relative to its root.

    Attributes:
        image_dir: Folder of the images.
        image_suffix: File-name ending after the frame id.
        label_dir: Folder of the labels.
        label_suffix: File-name ending after the frame id (may hold a sub-folder).
        label_format: Key in :data:`~synboost_kedro.preparation.LABEL_FORMATS`.
        nested: Frames sit in sub-folders (Cityscapes-style cities) mirrored under ``label_dir``.
    """

    image_dir: str
    image_suffix: str
    label_dir: str
    label_suffix: str
    label_format: str = "anomaly_mask"
    nested: bool = False

    def expected(self, split: str | None) -> str:
        """The files this layout expects under a benchmark's root, for error messages."""
        inner = f"{split or '<split>'}/<city>/" if self.nested else (f"{split}/" if split else "")
        return (
            f"{self.image_dir}/{inner}<id>{self.image_suffix} with "
            f"{self.label_dir}/{inner}<id>{self.label_suffix}"
        )


LAYOUTS: dict[str, BenchmarkLayout] = {
    # Fishyscapes Lost & Found and Static, exported from bdlb / TFDS: RGB + 0/1/255 mask PNG.
    "fishyscapes": BenchmarkLayout("images", ".png", "labels", ".png"),
    # SegmentMeIfYouCan RoadAnomaly21 and RoadObstacle21 (region of interest already 255).
    "smiyc_anomaly": BenchmarkLayout("images", ".jpg", "labels_masks", "_labels_semantic.png"),
    "smiyc_obstacle": BenchmarkLayout("images", ".webp", "labels_masks", "_labels_semantic.png"),
    # Lost & Found in its Cityscapes-style download; pass `split: test` (or train). Its train ids
    # (what SynBoost's scripts read), or the label ids as downloaded (what SegmentMeIfYouCan reads).
    "lost_and_found": BenchmarkLayout(
        "leftImg8bit",
        "_leftImg8bit.png",
        "gtCoarse",
        "_gtCoarse_labelTrainIds.png",
        label_format="lost_and_found",
        nested=True,
    ),
    "lost_and_found_label_ids": BenchmarkLayout(
        "leftImg8bit",
        "_leftImg8bit.png",
        "gtCoarse",
        "_gtCoarse_labelIds.png",
        label_format="lost_and_found_label_ids",
        nested=True,
    ),
    # Road Anomaly (Lis et al. 2019): frames/<name>.jpg + frames/<name>.labels/labels_semantic.png.
    "road_anomaly": BenchmarkLayout(
        "frames", ".jpg", "frames", ".labels/labels_semantic.png", label_format="road_anomaly"
    ),
}


class AnomalyBenchmarkDataset(AbstractDataset[Mapping[str, Any], dict[str, RawLoader]]):
    """An anomaly benchmark in one of :data:`LAYOUTS`, images and labels paired by frame id.

    Only layouts whose labels already are common masks can be written (the synthetic benchmarks);
    the others are read-only downloads. With ``skip_unlabelled``, images without a label are left
    out (the SegmentMeIfYouCan downloads hold the test images, whose labels are hidden);
    otherwise they are an error.

    Evaluation benchmarks get theirs from ``conf/<env>/benchmarks.yml`` (``pipelines/sets.py``);
    the validation anomaly set is a catalog entry::

        anomaly_val.raw:
          type: synboost_kedro.datasets.AnomalyBenchmarkDataset
          path: /data/fishyscapes/lost_and_found_val
          layout: fishyscapes

    A folder that does not match its layout fails naming a file (or folder) and the layout's
    expected files.
    """

    def __init__(
        self,
        path: str,
        layout: str,
        *,
        split: str | None = None,
        skip_unlabelled: bool = False,
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
        self._split = split
        self._skip_unlabelled = skip_unlabelled
        self._save_args = save_args or (
            {"quality": 95} if self._layout.image_suffix == ".jpg" else {}
        )
        self.metadata = metadata

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._root), "layout": self._layout_name, "split": self._split}

    def _folder(self, name: str) -> Path:
        folder = self._root / name
        return folder / self._split if self._split else folder

    @property
    def _image_root(self) -> Path:
        return self._folder(self._layout.image_dir)

    @property
    def _label_root(self) -> Path:
        return self._folder(self._layout.label_dir)

    def _pattern(self, suffix: str) -> str:
        return f"**/*{suffix}" if self._layout.nested else f"*{suffix}"

    def _label_path(self, frame_id: str, image_path: Path) -> Path:
        subfolder = image_path.parent.relative_to(self._image_root)
        return self._label_root / subfolder / f"{frame_id}{self._layout.label_suffix}"

    def _image_paths(self) -> dict[str, Path]:
        suffix = self._layout.image_suffix
        paths: dict[str, Path] = {}
        for path in sorted(self._image_root.glob(self._pattern(suffix))):
            frame_id = path.name[: -len(suffix)]
            if frame_id in paths:
                raise DatasetError(
                    f"Frame id '{frame_id}' appears twice: '{paths[frame_id]}', '{path}'"
                )
            paths[frame_id] = path
        return paths

    def _exists(self) -> bool:
        return bool(self._image_paths())

    def _mismatch(self, problem: str) -> DatasetError:
        """An error naming what is wrong and the files the layout expects."""
        return DatasetError(
            f"{problem}: the '{self._layout_name}' format expects "
            f"{self._layout.expected(self._split)} under '{self._root}'"
        )

    def load(self) -> dict[str, RawLoader]:
        image_paths = self._image_paths()
        if not image_paths:
            raise self._mismatch(self._no_images())
        if not self._label_root.is_dir():
            raise self._mismatch(f"No label folder '{self._label_root}'")
        label_paths = self._label_paths(image_paths)
        expected = set(label_paths.values())
        for path in self._label_root.glob(self._pattern(self._layout.label_suffix)):
            if path not in expected:
                raise self._mismatch(f"Label '{path}' has no image in '{self._image_root}'")
        return {
            frame_id: partial(self._load_frame, frame_id, image_paths[frame_id], label_path)
            for frame_id, label_path in label_paths.items()
        }

    def _no_images(self) -> str:
        """Why no image was found, naming a file that is there instead if there is one."""
        folder = self._image_root if self._image_root.is_dir() else self._root
        if not folder.is_dir():
            return f"No folder '{folder}'"
        others = sorted(
            path for path in folder.rglob("*") if path.is_file() and not path.name.startswith(".")
        )
        if others:
            return f"'{others[0]}' is not a '*{self._layout.image_suffix}' image of the layout"
        return f"No '*{self._layout.image_suffix}' images in '{folder}'"

    def _label_paths(self, image_paths: Mapping[str, Path]) -> dict[str, Path]:
        """The label of every image; images without one are an error unless skipped."""
        label_paths = {
            frame_id: self._label_path(frame_id, image_path)
            for frame_id, image_path in image_paths.items()
        }
        labelled = {frame_id: path for frame_id, path in label_paths.items() if path.is_file()}
        unlabelled = sorted(set(label_paths) - set(labelled))
        if unlabelled and not self._skip_unlabelled:
            frame_id = unlabelled[0]
            raise self._mismatch(
                f"'{image_paths[frame_id]}' has no label '{label_paths[frame_id]}' (set "
                "`skip_unlabelled: true` for benchmarks whose test labels are hidden)"
            )
        if unlabelled:
            logger.info(
                "'%s': %d of %d images have no label and are skipped",
                self._root,
                len(unlabelled),
                len(image_paths),
            )
        if not labelled:
            raise self._mismatch(f"No image in '{self._image_root}' has a label")
        return labelled

    def _load_frame(self, frame_id: str, image_path: Path, label_path: Path) -> RawBenchmarkFrame:
        image = read_rgb(image_path)
        raw_label = read_integer_map(label_path, np.uint8)
        if raw_label.shape != image.shape[:2]:
            raise DatasetError(
                f"'{label_path}' is {raw_label.shape[1]}x{raw_label.shape[0]} but its image "
                f"'{image_path}' is {image.shape[1]}x{image.shape[0]}"
            )
        try:
            check_raw_label(raw_label, self._layout.label_format, str(label_path))
        except ValueError as error:
            raise DatasetError(str(error)) from error
        return RawBenchmarkFrame(
            frame_id, image, raw_label, self._layout.label_format, str(label_path)
        )

    def save(self, data: Mapping[str, AnomalyFrame | Callable[[], AnomalyFrame]]) -> None:
        if not LABEL_FORMATS[self._layout.label_format].is_common:
            raise DatasetError(
                f"Layout '{self._layout_name}' is read-only: it is an official download whose "
                "labels are not common anomaly masks"
            )
        for frame_id, item in data.items():
            frame = item() if callable(item) else item
            image_path = self._image_root / f"{frame_id}{self._layout.image_suffix}"
            write_image(image_path, frame.image, **self._save_args)
            write_image(self._label_path(frame_id, image_path), frame.mask)
        logger.info("Wrote %d anomaly frames to '%s'", len(data), self._root)
