"""A Kedro dataset for the project's networks: a thin wrapper of ``models.model_file``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kedro.io.core import AbstractDataset, DatasetError
from torch import nn

from synboost_kedro.models.build_config import build_config_of
from synboost_kedro.models.factories import MODEL_FACTORIES
from synboost_kedro.models.model_file import read_model_file, write_model_file


class TorchModelDataset(AbstractDataset[nn.Module, nn.Module]):
    """A segmentation, synthesis or dissimilarity network in the project's model-file format.

    ``save`` needs a network built through the registries (it records how it was built);
    ``load`` rebuilds it, loads the tensors strictly and returns it in eval mode. Nothing
    pickled is ever run (:func:`~synboost_kedro.models.checkpoints.read_checkpoint`).

    Example catalog entry::

        segmentation_model:
          type: synboost_kedro.datasets.TorchModelDataset
          filepath: data/06_models/segmentation_model.pt
          kind: segmentation

    Args:
        filepath: Local file to read and write.
        kind: ``"segmentation"``, ``"synthesis"`` or ``"dissimilarity"``; loading a file of
            another kind fails.
        metadata: Free-form metadata, ignored by the dataset.
    """

    def __init__(
        self, filepath: str, kind: str | None = None, metadata: dict[str, Any] | None = None
    ) -> None:
        if kind is not None and kind not in MODEL_FACTORIES:
            raise DatasetError(
                f"TorchModelDataset kind must be one of {sorted(MODEL_FACTORIES)}, got '{kind}'"
            )
        self._filepath = Path(filepath)
        self._kind = kind
        self.metadata = metadata

    def load(self) -> nn.Module:
        try:
            return read_model_file(self._filepath, self._kind)
        except (OSError, ValueError) as error:
            raise DatasetError(str(error)) from error

    def save(self, data: nn.Module) -> None:
        try:
            kind = build_config_of(data)["kind"]
        except ValueError as error:
            raise DatasetError(str(error)) from error
        if self._kind is not None and kind != self._kind:
            raise DatasetError(
                f"Cannot save a {kind} network to the {self._kind} model file '{self._filepath}'"
            )
        write_model_file(data, self._filepath)

    def _exists(self) -> bool:
        return self._filepath.is_file()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "kind": self._kind}
