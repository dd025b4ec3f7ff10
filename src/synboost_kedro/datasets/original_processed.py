"""A dataset processed by the original SynBoost scripts (docs/method.md, "Processed dataset
layout"), read as it is on disk.

The original paired its folders by natural-sorting each one independently, so a missing or
extra file silently misaligned every later frame (docs/method.md, "Known bugs of the original" (row
"Pairing by sort order")). Here each file name is reduced to
a frame id, by dropping the scripts' prefixes (``entropy_``, ``distance_``, ``mea_``,
``pred_mask_``), the extension and the Cityscapes-style suffixes (``_leftImg8bit``,
``_gtFine_unknown``, ``_unknown_trainIds`` …), and folders are paired by that id; any file
without a partner is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from kedro.io.core import AbstractDataset, DatasetError

from synboost_kedro.cityscapes import IGNORE_TRAIN_ID, NUM_TRAIN_IDS
from synboost_kedro.frames import ANOMALY, IGNORE, NORMAL, ProcessedFrame
from synboost_kedro.storage.processed_set import FIELDS, NATIVE_FIELDS

#: field → folder of the original layout (the ``light_data`` and label variants go in ``folders``).
ORIGINAL_FOLDERS: dict[str, str] = {
    "image": "original",
    "semantic": "semantic",
    "synthesis": "synthesis",
    "label": "labels",
    "entropy": "entropy",
    "distance": "logit_distance",
    "perceptual": "mae_features",
}

_PREFIXES = ("entropy_", "distance_", "mea_", "pred_mask_")
_SUFFIXES = (
    "_leftImg8bit",
    "_gtFine",
    "_gtCoarse",
    "_labelTrainIds",
    "_trainIds",
    "_labelIds",
    "_instanceIds",
    "_unknown",
    "_known",
)
_IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".webp"})
_LABEL_VALUES = np.array([NORMAL, ANOMALY, IGNORE])

FrameLoader = Callable[[], ProcessedFrame]


def normalised_frame_id(file_name: str) -> str:
    """The frame id a file of the original layout belongs to.

    Examples:
        ``mea_aachen_000000_000019_unknown_leftImg8bit.png`` and
        ``aachen_000000_000019_gtFine_unknown.png`` both give ``aachen_000000_000019``.
    """
    stem = Path(file_name).stem
    prefix = next((p for p in _PREFIXES if stem.startswith(p)), "")
    stem = stem[len(prefix) :]
    while suffix := next((s for s in _SUFFIXES if stem.endswith(s) and stem != s), None):
        stem = stem[: -len(suffix)]
    return stem


def _check_values(field: str, array: np.ndarray, path: Path) -> None:
    if field == "label":
        unknown = np.setdiff1d(np.unique(array), _LABEL_VALUES)
        what = "anomaly labels (0, 1, 255)"
    elif field == "semantic":
        values = np.unique(array)
        unknown = values[(values >= NUM_TRAIN_IDS) & (values != IGNORE_TRAIN_ID)]
        what = f"train ids (0..{NUM_TRAIN_IDS - 1}, {IGNORE_TRAIN_ID})"
    else:
        return
    if unknown.size:
        raise DatasetError(f"'{path}' holds values {unknown.tolist()} that are not {what}")


class OriginalProcessedDataset(AbstractDataset[Any, dict[str, FrameLoader]]):
    """Read-only view of an original processed root as ``{frame_id: loader → ProcessedFrame}``.

    It loads like :class:`~synboost_kedro.datasets.ProcessedDataset`, so the dissimilarity
    training consumes data made by the original scripts (or the released ``data_processed.tar``)
    directly.

    Args:
        path: The processed root (the folder holding ``original/``, ``labels/`` …).
        fields: :class:`~synboost_kedro.frames.ProcessedFrame` fields to load, from
            :data:`ORIGINAL_FOLDERS`.
        folders: Folder overrides per field, e.g. ``{label: labels_with_ROI}`` or
            ``{semantic: semantic_icnet}`` for the light variant.

    Example catalog entry::

        dissimilarity_train__swapped_frames:
          type: synboost_kedro.datasets.original_processed.OriginalProcessedDataset
          path: /data/synboost/cityscapes_processed
          fields: [image, label, semantic]
          folders: {label: labels_with_void_no_ego}
    """

    def __init__(
        self,
        path: str,
        fields: Sequence[str],
        folders: Mapping[str, str] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        unknown = sorted(set(fields) - set(ORIGINAL_FOLDERS))
        if unknown or not fields:
            raise DatasetError(
                f"Unknown original-layout fields {unknown}; choose from {sorted(ORIGINAL_FOLDERS)}"
            )
        unknown_overrides = sorted(set(folders or {}) - set(fields))
        if unknown_overrides:
            raise DatasetError(f"Folder overrides {unknown_overrides} name fields not loaded")
        self._root = Path(path)
        self._fields = tuple(fields)
        self._folders = {field: ORIGINAL_FOLDERS[field] for field in self._fields} | dict(
            folders or {}
        )
        self.metadata = metadata

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._root), "folders": self._folders}

    def _exists(self) -> bool:
        return (self._root / self._folders[self._fields[0]]).is_dir()

    def _files(self, field: str) -> dict[str, Path]:
        folder = self._root / self._folders[field]
        if not folder.is_dir():
            raise DatasetError(f"'{folder}' is not a folder (field '{field}')")
        files: dict[str, Path] = {}
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in _IMAGE_EXTENSIONS:
                continue
            frame_id = normalised_frame_id(path.name)
            if frame_id in files:
                raise DatasetError(
                    f"'{files[frame_id]}' and '{path}' both belong to frame '{frame_id}'"
                )
            files[frame_id] = path
        if not files:
            raise DatasetError(f"No images in '{folder}' (field '{field}')")
        return files

    def load(self) -> dict[str, FrameLoader]:
        files = {field: self._files(field) for field in self._fields}
        reference_field = self._fields[0]
        reference = files[reference_field]
        for field in self._fields[1:]:
            extra = sorted(set(files[field]) - set(reference))
            if extra:
                raise DatasetError(
                    f"'{files[field][extra[0]]}' has no partner in "
                    f"'{self._root / self._folders[reference_field]}'"
                )
            missing = sorted(set(reference) - set(files[field]))
            if missing:
                raise DatasetError(
                    f"'{reference[missing[0]]}' has no partner in "
                    f"'{self._root / self._folders[field]}'"
                )
        return {
            frame_id: partial(
                self._load_frame, frame_id, {field: files[field][frame_id] for field in files}
            )
            for frame_id in sorted(reference)
        }

    def _load_frame(self, frame_id: str, paths: Mapping[str, Path]) -> ProcessedFrame:
        arrays = {}
        for field, path in paths.items():
            arrays[field] = FIELDS[field].read(path)
            _check_values(field, arrays[field], path)
        # Priors and synthesis may be stored at the networks' resolution; annotations may not.
        native = {
            str(paths[field]): array.shape[:2]
            for field, array in arrays.items()
            if field in NATIVE_FIELDS
        }
        if len(set(native.values())) > 1:
            raise DatasetError(f"Frame '{frame_id}' has files of different sizes: {native}")
        return ProcessedFrame(frame_id, **arrays)

    def save(self, data: Any) -> None:
        raise DatasetError(
            f"'{self._root}' is read through the original's layout and is never written; "
            "save processed frames with ProcessedDataset"
        )
