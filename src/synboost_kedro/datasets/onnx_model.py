"""A Kedro dataset for an ONNX model file, written atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import onnx
from google.protobuf.message import DecodeError
from kedro.io.core import AbstractDataset, DatasetError

from synboost_kedro.export import save_onnx


class OnnxModelDataset(AbstractDataset[onnx.ModelProto, onnx.ModelProto]):
    """An ``onnx.ModelProto`` stored as one ``.onnx`` file (weights inside, so under 2 GB).

    Wrap it in ``kedro_mlflow.io.artifacts.MlflowArtifactDataset`` to also log the file::

        dissimilarity_onnx:
          type: kedro_mlflow.io.artifacts.MlflowArtifactDataset
          dataset:
            type: synboost_kedro.datasets.onnx_model.OnnxModelDataset
            filepath: data/06_models/onnx/dissimilarity.onnx

    Args:
        filepath: Local ``.onnx`` file to read and write.
        metadata: Free-form metadata, ignored by the dataset.
    """

    def __init__(self, filepath: str, metadata: dict[str, Any] | None = None) -> None:
        self._filepath = Path(filepath)
        self.metadata = metadata

    def load(self) -> onnx.ModelProto:
        if not self._filepath.is_file():
            raise DatasetError(f"ONNX model file '{self._filepath}' does not exist")
        try:
            return onnx.load_model(self._filepath)
        except DecodeError as error:
            raise DatasetError(f"'{self._filepath}' is not an ONNX model: {error}") from None

    def save(self, data: onnx.ModelProto) -> None:
        if not isinstance(data, onnx.ModelProto):
            raise DatasetError(
                f"Only an onnx.ModelProto can be saved to '{self._filepath}', "
                f"got {type(data).__name__}"
            )
        save_onnx(data, self._filepath)

    def _exists(self) -> bool:
        return self._filepath.is_file()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath)}
