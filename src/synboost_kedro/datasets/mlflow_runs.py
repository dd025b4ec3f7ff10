"""Results logged as MLflow runs nested in the run of ``kedro run`` (one per ablation variant)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kedro.io.core import AbstractDataset, DatasetError

from synboost_kedro.evaluation.tracking import log_run

#: ``{run name: {"params": {...}, "metrics": {...}, "texts": {artifact file: text}}}``.
RunRecords = Mapping[str, Mapping[str, Mapping[str, Any]]]
_RECORD_KEYS = {"params", "metrics", "texts"}


class NestedMlflowRunsDataset(AbstractDataset[RunRecords, None]):
    """Saves each record as a child of the active MLflow run (kedro-mlflow's); write-only.

    Without an active run (tracking switched off for the pipeline) each record is a run of its
    own in the current experiment.

    Args:
        metadata: Free-form metadata, ignored by the dataset.
    """

    def __init__(self, metadata: dict[str, Any] | None = None) -> None:
        self.metadata = metadata

    def save(self, data: RunRecords) -> None:
        for name, record in data.items():
            if set(record) != _RECORD_KEYS:
                raise DatasetError(
                    f"Run record '{name}' has keys {sorted(record)}, "
                    f"expected {sorted(_RECORD_KEYS)}"
                )
        for name, record in data.items():
            log_run(name, record["params"], record["metrics"], record["texts"], nested=True)

    def load(self) -> None:
        raise DatasetError("NestedMlflowRunsDataset is write-only: read the runs in MLflow")

    def _describe(self) -> dict[str, Any]:
        return {}
