"""A processed SynBoost dataset in the original's folder layout (docs/method.md, "Processed dataset
layout"), keyed by frame id.

``original/``, ``semantic/``, ``labels/``, ``synthesis/``, ``entropy/``, ``logit_distance/`` and
``mae_features/`` hold one PNG per frame. Each catalog entry names the fields it stores, so one
pipeline can write the labels and another the uncertainty maps of the same frames without
touching each other's files; consumers pair them by frame id, never by sort order.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from kedro.io.core import AbstractDataset, DatasetError

from synboost_kedro.datasets.deferred import FrameProducer, write_pending
from synboost_kedro.datasets.image_io import read_integer_map, read_rgb, write_image
from synboost_kedro.frames import ProcessedFrame

logger = logging.getLogger(__name__)

#: field → (folder, reader). Folder names are the original repository's.
FIELDS: dict[str, tuple[str, Callable[[Path], np.ndarray]]] = {
    "image": ("original", read_rgb),
    "semantic": ("semantic", read_integer_map),
    "label_ids": ("semantic_labelIds", read_integer_map),
    "instance_ids": ("instances", partial(read_integer_map, dtype=np.int32)),
    "label": ("labels", read_integer_map),
    "synthesis": ("synthesis", read_rgb),
    "entropy": ("entropy", read_integer_map),
    "distance": ("logit_distance", read_integer_map),
    "perceptual": ("mae_features", read_integer_map),
}

NATIVE_FIELDS = frozenset({"image", "semantic", "label_ids", "instance_ids", "label"})

FrameLoader = Callable[[], ProcessedFrame]


class ProcessedDataset(AbstractDataset[Any, dict[str, FrameLoader]]):
    """The ``fields`` of every frame of one processed set.

        ``load()`` returns ``{frame_id: loader}``; a frame missing any field fails naming the file.
        ``save()`` takes ``{frame_id: ProcessedFrame | callable}``, a deferred-work producer, or a
    producer with ``write_into(dataset)`` that saves through this dataset from other processes; with
        ``overwrite: false`` (the default) frames whose files all exist are not produced again.

        Example catalog entry::

            dissimilarity_train.maps:
              type: synboost_kedro.datasets.ProcessedDataset
              path: data/04_feature/dissimilarity_train
              fields: [entropy, distance, perceptual, synthesis]
    """

    def __init__(
        self,
        path: str,
        fields: Sequence[str],
        overwrite: bool = False,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        unknown = sorted(set(fields) - set(FIELDS))
        if unknown or not fields:
            raise DatasetError(f"Unknown processed fields {unknown}; choose from {sorted(FIELDS)}")
        self._root = Path(path)
        self._fields = tuple(fields)
        self._overwrite = overwrite
        self.metadata = metadata

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._root), "fields": list(self._fields)}

    def _path(self, field: str, frame_id: str) -> Path:
        return self._root / FIELDS[field][0] / f"{frame_id}.png"

    def _frame_ids(self) -> list[str]:
        folder = self._root / FIELDS[self._fields[0]][0]
        return sorted(path.stem for path in folder.glob("*.png"))

    def _exists(self) -> bool:
        return bool(self._frame_ids())

    def load(self) -> dict[str, FrameLoader]:
        frame_ids = self._frame_ids()
        if not frame_ids:
            raise DatasetError(
                f"No frames in '{self._root / FIELDS[self._fields[0]][0]}'; "
                "run the pipeline that produces it first"
            )
        for field in self._fields[1:]:
            folder = self._root / FIELDS[field][0]
            stored = {path.stem for path in folder.glob("*.png")}
            missing = [frame_id for frame_id in frame_ids if frame_id not in stored]
            if missing:
                raise DatasetError(f"'{self._path(field, missing[0])}' is missing")
        return {frame_id: partial(self._load_frame, frame_id) for frame_id in frame_ids}

    def _load_frame(self, frame_id: str) -> ProcessedFrame:
        arrays = {field: FIELDS[field][1](self._path(field, frame_id)) for field in self._fields}
        # Maps may be stored at the networks' resolution; the annotations must match the image.
        shapes = {
            field: array.shape[:2] for field, array in arrays.items() if field in NATIVE_FIELDS
        }
        if len(set(shapes.values())) > 1:
            raise DatasetError(f"Frame '{frame_id}' in '{self._root}' has unequal sizes {shapes}")
        return ProcessedFrame(frame_id, **arrays)

    def stored_frame_ids(self) -> set[str]:
        """Frames whose every field is on disk."""
        stored = [
            {path.stem for path in (self._root / FIELDS[field][0]).glob("*.png")}
            for field in self._fields
        ]
        return set.intersection(*stored) if stored else set()

    def save(
        self, data: Mapping[str, ProcessedFrame | FrameLoader] | FrameProducer[ProcessedFrame]
    ) -> None:
        if hasattr(data, "write_into"):
            # A producer spread over processes (uncertainty/sharding.py): each saves its share.
            data.write_into(self)
            return
        stored = set() if self._overwrite else self.stored_frame_ids()
        written, skipped = write_pending(
            data,
            stored,
            lambda _, item: item() if callable(item) else item,
            self._save_frame,
            f"frames of {self._root.name}",
        )
        if skipped:
            logger.info("'%s': %d frames already stored, skipped", self._root, skipped)
        logger.info("'%s': wrote %d frames (%s)", self._root, written, ", ".join(self._fields))

    def _save_frame(self, frame: ProcessedFrame) -> None:
        for field in self._fields:
            array = getattr(frame, field)
            if array is None:
                present = [
                    f.name for f in dataclasses.fields(frame) if getattr(frame, f.name) is not None
                ]
                raise DatasetError(
                    f"Frame '{frame.frame_id}' has no '{field}' for '{self._root}' "
                    f"(it has {present})"
                )
            write_image(self._path(field, frame.frame_id), array)
