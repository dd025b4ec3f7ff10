"""A processed SynBoost set as a Kedro dataset: a thin wrapper of ``storage.processed_set``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kedro.io.core import AbstractDataset, DatasetError

from synboost_kedro.frames import ProcessedFrame
from synboost_kedro.images import ImageReadError
from synboost_kedro.storage.deferred import FrameProducer
from synboost_kedro.storage.processed_set import ProcessedSet

FrameLoader = Callable[[], ProcessedFrame]


class ProcessedDataset(AbstractDataset[Any, dict[str, FrameLoader]]):
    """The ``fields`` of every frame of one processed set.

    ``load()`` returns ``{frame_id: loader}``; a frame missing any field fails naming the file.
    ``save()`` takes ``{frame_id: ProcessedFrame | callable}``, a deferred-work producer
    (``storage/deferred.py``), or a producer with ``write_into(processed_set)`` whose processes
    write their own shares; with ``overwrite: false`` (the default) frames whose files all exist
    are not produced again.

    Example catalog entry::

        dissimilarity_train__maps:
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
        try:
            self._set = ProcessedSet(path, tuple(fields), overwrite)
        except ValueError as error:
            raise DatasetError(str(error)) from None
        self.metadata = metadata

    def _describe(self) -> dict[str, Any]:
        return {"path": self._set.root, "fields": list(self._set.fields)}

    def _exists(self) -> bool:
        return bool(self._set.frame_ids())

    def load(self) -> dict[str, FrameLoader]:
        try:
            return self._set.loaders()
        except FileNotFoundError as error:
            raise DatasetError(str(error)) from None

    def stored_frame_ids(self) -> set[str]:
        """Frames whose every field is on disk."""
        return self._set.stored_frame_ids()

    def save(
        self, data: Mapping[str, ProcessedFrame | FrameLoader] | FrameProducer[ProcessedFrame]
    ) -> None:
        if hasattr(data, "write_into"):
            # A producer spread over processes (uncertainty/sharding.py): each saves its share.
            data.write_into(self._set)
            return
        try:
            self._set.save(data)
        except (ValueError, ImageReadError) as error:
            raise DatasetError(str(error)) from error
