"""A processed SynBoost set in the original's folder layout (docs/method.md, "Processed dataset
layout"), keyed by frame id, Kedro-free.

``original/``, ``semantic/``, ``labels/``, ``synthesis/``, ``entropy/``, ``logit_distance/`` and
``mae_features/`` hold one PNG per frame; the logit baselines (``max_softmax/`` ...) one float16
``.npy`` per frame. Each set names the fields it stores, so one pipeline can
write the labels and another the uncertainty maps of the same frames without touching each
other's files; consumers pair them by frame id, never by sort order.

A frame is loaded through a :class:`StoredFrame`: plain data (folder, fields, frame id), so a job
handed to other processes describes its frames as JSON instead of pickling loaders.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from synboost_kedro.frames import LOGIT_BASELINES, ProcessedFrame
from synboost_kedro.storage.deferred import FrameProducer, write_pending
from synboost_kedro.storage.image_files import (
    read_float_map,
    read_integer_map,
    read_rgb,
    write_float_map,
    write_image,
)
from synboost_kedro.utils import atomic_write_bytes

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class FieldFiles:
    """How one field is stored: one file per frame in ``folder``."""

    folder: str
    read: Callable[[Path], np.ndarray]
    write: Callable[[Path, np.ndarray], None] = write_image
    suffix: str = ".png"


#: Every field's files. Folder names are the original repository's where it has the field.
FIELDS: dict[str, FieldFiles] = {
    "image": FieldFiles("original", read_rgb),
    "semantic": FieldFiles("semantic", read_integer_map),
    "label_ids": FieldFiles("semantic_labelIds", read_integer_map),
    "instance_ids": FieldFiles("instances", partial(read_integer_map, dtype=np.int32)),
    "label": FieldFiles("labels", read_integer_map),
    "synthesis": FieldFiles("synthesis", read_rgb),
    "entropy": FieldFiles("entropy", read_integer_map),
    "distance": FieldFiles("logit_distance", read_integer_map),
    "perceptual": FieldFiles("mae_features", read_integer_map),
    **{name: FieldFiles(name, read_float_map, write_float_map, ".npy") for name in LOGIT_BASELINES},
}
#: Folder of the per-frame record of what made each frame (see :meth:`ProcessedSet.save`).
PROVENANCE_FOLDER = "provenance"
#: Fields stored at the frame's own resolution (maps may be stored at the networks').
NATIVE_FIELDS = frozenset({"image", "semantic", "label_ids", "instance_ids", "label"})


def field_path(root: str | Path, field: str, frame_id: str) -> Path:
    """The file of one field of one frame."""
    files = FIELDS[field]
    return Path(root) / files.folder / f"{frame_id}{files.suffix}"


@dataclasses.dataclass(frozen=True)
class StoredFrame:
    """Loads the ``fields`` of frame ``frame_id`` of the set in ``root`` when called."""

    root: str
    fields: tuple[str, ...]
    frame_id: str

    def __call__(self) -> ProcessedFrame:
        arrays = {
            field: FIELDS[field].read(field_path(self.root, field, self.frame_id))
            for field in self.fields
        }
        shapes = {
            field: array.shape[:2] for field, array in arrays.items() if field in NATIVE_FIELDS
        }
        if len(set(shapes.values())) > 1:
            raise ValueError(f"Frame '{self.frame_id}' in '{self.root}' has unequal sizes {shapes}")
        return ProcessedFrame(self.frame_id, **arrays)

    def to_json(self) -> dict[str, Any]:
        return {"root": self.root, "fields": list(self.fields), "frame_id": self.frame_id}

    @classmethod
    def from_json(cls, values: Mapping[str, Any]) -> StoredFrame:
        """Rebuild from :meth:`to_json`; unknown fields are refused."""
        fields = tuple(values["fields"])
        unknown = sorted(set(fields) - set(FIELDS))
        if unknown:
            raise ValueError(f"Unknown processed fields {unknown}; choose from {sorted(FIELDS)}")
        return cls(str(values["root"]), fields, str(values["frame_id"]))


def frames_to_json(loaders: Mapping[str, Callable[[], ProcessedFrame]]) -> list[dict[str, Any]]:
    """The JSON description of frame loaders, so other processes can load the same frames.

    Raises:
        ValueError: a loader is not a :class:`StoredFrame` (e.g. frames made in memory), so it
            cannot be described; the message names it.
    """
    described = []
    for frame_id, loader in loaders.items():
        if not isinstance(loader, StoredFrame):
            raise ValueError(
                f"Frame '{frame_id}' cannot be handed to other processes: only frames stored in a "
                f"processed set (a catalog dataset) can, not {type(loader).__name__}"
            )
        described.append(loader.to_json())
    return described


def frames_from_json(described: Sequence[Mapping[str, Any]]) -> dict[str, StoredFrame]:
    """``{frame_id: loader}`` from :func:`frames_to_json` output."""
    loaders = [StoredFrame.from_json(values) for values in described]
    return {loader.frame_id: loader for loader in loaders}


@dataclasses.dataclass(frozen=True)
class ProcessedSet:
    """The ``fields`` of every frame of one processed set in folder ``root``.

    Attributes:
        root: The set's folder.
        fields: The fields this set reads and writes.
        overwrite: Write frames again even when all their files exist.
    """

    root: str
    fields: tuple[str, ...]
    overwrite: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", str(self.root))
        object.__setattr__(self, "fields", tuple(self.fields))
        unknown = sorted(set(self.fields) - set(FIELDS))
        if unknown or not self.fields:
            raise ValueError(f"Unknown processed fields {unknown}; choose from {sorted(FIELDS)}")

    def _stored(self, field: str) -> set[str]:
        files = FIELDS[field]
        return {path.stem for path in (Path(self.root) / files.folder).glob(f"*{files.suffix}")}

    def frame_ids(self) -> list[str]:
        """Frames with a file of the first field, sorted."""
        return sorted(self._stored(self.fields[0]))

    def stored_frame_ids(self, provenance: str | None = None) -> set[str]:
        """Frames whose every field is on disk (and, given ``provenance``, that were made by it)."""
        stored = set.intersection(*(self._stored(field) for field in self.fields))
        if provenance is None:
            return stored
        return {frame_id for frame_id in stored if self._provenance_of(frame_id) == provenance}

    def _provenance_path(self, frame_id: str) -> Path:
        return Path(self.root) / PROVENANCE_FOLDER / f"{frame_id}.txt"

    def _provenance_of(self, frame_id: str) -> str | None:
        path = self._provenance_path(frame_id)
        return path.read_text().strip() if path.is_file() else None

    def loaders(self) -> dict[str, StoredFrame]:
        """``{frame_id: loader}`` of every frame.

        Raises:
            FileNotFoundError: the set is empty, or a frame lacks a field; names the file.
        """
        frame_ids = self.frame_ids()
        if not frame_ids:
            folder = Path(self.root) / FIELDS[self.fields[0]].folder
            raise FileNotFoundError(
                f"No frames in '{folder}'; run the pipeline that produces it first"
            )
        for field in self.fields[1:]:
            stored = self._stored(field)
            missing = [frame_id for frame_id in frame_ids if frame_id not in stored]
            if missing:
                raise FileNotFoundError(f"'{field_path(self.root, field, missing[0])}' is missing")
        return {frame_id: StoredFrame(self.root, self.fields, frame_id) for frame_id in frame_ids}

    def save(self, data: Mapping[str, Any] | FrameProducer[ProcessedFrame]) -> None:
        """Write ``{frame_id: ProcessedFrame | callable}`` or a producer's frames.

        Frames whose files all exist are not produced again unless :attr:`overwrite`. A producer
        with a ``provenance()`` digest (what made the frames: networks and settings) has it
        recorded per frame, and a stored frame made by anything else is produced again: an
        interrupted rebuild, or a change of model, never leaves stale frames that look complete.
        """
        provenance = data.provenance() if hasattr(data, "provenance") else None
        stored = set() if self.overwrite else self.stored_frame_ids(provenance)
        stale = len(self.stored_frame_ids() - stored) if provenance and not self.overwrite else 0
        if stale:
            logger.warning(
                "'%s': %d stored frame(s) were made by other networks or settings; recomputing",
                self.root,
                stale,
            )
        written, skipped = write_pending(
            data,
            stored,
            lambda _, item: item() if callable(item) else item,
            lambda frame: self.write_frame(frame, provenance),
            f"writing {Path(self.root).parent.name}/{Path(self.root).name}",
        )
        if skipped:
            logger.info("'%s': %d frames already stored, skipped", self.root, skipped)
        logger.info("'%s': wrote %d frames (%s)", self.root, written, ", ".join(self.fields))

    def write_frame(self, frame: ProcessedFrame, provenance: str | None = None) -> None:
        """Write this set's fields of ``frame``, each file atomically, then its ``provenance``.

        Raises:
            ValueError: the frame lacks one of the fields; the message names both.
        """
        for field in self.fields:
            array = getattr(frame, field)
            if array is None:
                present = [
                    f.name for f in dataclasses.fields(frame) if getattr(frame, f.name) is not None
                ]
                raise ValueError(
                    f"Frame '{frame.frame_id}' has no '{field}' for '{self.root}' "
                    f"(it has {present})"
                )
            FIELDS[field].write(field_path(self.root, field, frame.frame_id), array)
        if provenance is not None:
            atomic_write_bytes(self._provenance_path(frame.frame_id), provenance.encode())

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self) | {"fields": list(self.fields)}

    @classmethod
    def from_json(cls, values: Mapping[str, Any]) -> ProcessedSet:
        return cls(str(values["root"]), tuple(values["fields"]), bool(values["overwrite"]))
