"""A saved :class:`~synboost_kedro.inference.AnomalyDetector` as a Kedro dataset (a folder)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kedro.io.core import AbstractDataset, DatasetError

from synboost_kedro.inference import SETTINGS_FILE, AnomalyDetector


class AnomalyDetectorDataset(AbstractDataset[AnomalyDetector, AnomalyDetector]):
    """The three networks and the settings of a detector in one folder.

    The folder is what ``pipeline_ml_factory`` copies into the logged MLflow model, and what
    ``AnomalyDetector.from_mlflow`` finds again.

    Args:
        filepath: The folder (named ``filepath`` because kedro-mlflow reads ``_filepath`` to
            collect model artifacts).
        device: Where the loaded networks run: ``auto``, ``cpu`` or ``cuda[:i]``.
        metadata: Free-form metadata, ignored by the dataset.
    """

    def __init__(
        self, filepath: str, device: str = "auto", metadata: dict[str, Any] | None = None
    ) -> None:
        self._filepath = Path(filepath)
        self._device = device
        self.metadata = metadata

    def load(self) -> AnomalyDetector:
        try:
            return AnomalyDetector.load(self._filepath, device=self._device)
        except FileNotFoundError as error:
            raise DatasetError(f"{error}; run the inference pipeline to assemble it") from None

    def save(self, data: AnomalyDetector) -> None:
        data.save(self._filepath)

    def _exists(self) -> bool:
        return (self._filepath / SETTINGS_FILE).is_file()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "device": self._device}
