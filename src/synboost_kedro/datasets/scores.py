"""Per-frame anomaly score maps of several methods, stored as float16 ``.npy`` files.

float16 is what SegmentMeIfYouCan stores and scores; it keeps the metrics' memory tiny (one
histogram bin per distinct value) and the files small. Layout: ``<path>/<method>/<frame_id>.npy``.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from kedro.io.core import AbstractDataset, DatasetError

from synboost_kedro.storage.deferred import FrameProducer, write_pending
from synboost_kedro.utils import atomic_write_bytes

logger = logging.getLogger(__name__)

ScoreMaps = dict[str, np.ndarray]
ScoreLoader = Callable[[], ScoreMaps]


class ScoreMapDataset(AbstractDataset[Any, dict[str, ScoreLoader]]):
    """Score maps of ``methods`` for every frame, keyed by frame id.

    ``save()`` takes a producer (``storage/deferred.py``); unless ``overwrite`` is set, frames
    whose every method is stored already are skipped, so an interrupted scoring run resumes.
    """

    def __init__(
        self,
        path: str,
        methods: Sequence[str],
        overwrite: bool = False,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if not methods:
            raise DatasetError(f"ScoreMapDataset '{path}' needs at least one method")
        self._root = Path(path)
        self._methods = tuple(methods)
        self._overwrite = overwrite
        self.metadata = metadata

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._root), "methods": list(self._methods)}

    def _path(self, method: str, frame_id: str) -> Path:
        return self._root / method / f"{frame_id}.npy"

    def _stored(self, method: str) -> set[str]:
        return {path.stem for path in (self._root / method).glob("*.npy")}

    def _exists(self) -> bool:
        return bool(self._stored(self._methods[0]))

    def load(self) -> dict[str, ScoreLoader]:
        stored = [self._stored(method) for method in self._methods]
        complete = set.intersection(*stored)
        if not complete:
            raise DatasetError(f"No score maps in '{self._root}'; run the scoring node first")
        incomplete = sorted(set.union(*stored) - complete)
        if incomplete:
            raise DatasetError(
                f"Frame '{incomplete[0]}' in '{self._root}' lacks some of the methods "
                f"{list(self._methods)}"
            )
        return {frame_id: partial(self._load_frame, frame_id) for frame_id in sorted(complete)}

    def _load_frame(self, frame_id: str) -> ScoreMaps:
        return {method: np.load(self._path(method, frame_id)) for method in self._methods}

    def save(self, data: FrameProducer[tuple[str, ScoreMaps]] | Mapping[str, ScoreMaps]) -> None:
        description = f"{self._root.parent.name} score maps"
        stored = (
            set()
            if self._overwrite
            else set.intersection(*(self._stored(method) for method in self._methods))
        )
        written, skipped = write_pending(
            data, stored, lambda frame_id, maps: (frame_id, maps), self._save_frame, description
        )
        logger.info(
            "'%s': wrote scores of %d frames (%d already stored)", self._root, written, skipped
        )

    def _save_frame(self, item: tuple[str, ScoreMaps]) -> None:
        frame_id, maps = item
        missing = sorted(set(self._methods) - set(maps))
        if missing:
            raise DatasetError(f"Frame '{frame_id}' has no scores for {missing}")
        for method in self._methods:
            buffer = io.BytesIO()
            np.save(buffer, np.asarray(maps[method], dtype=np.float16))
            atomic_write_bytes(self._path(method, frame_id), buffer.getvalue())
