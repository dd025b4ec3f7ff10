"""Per-image outputs of the ``inference`` pipeline, one sub-folder per kind, streamed to disk."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
from kedro.io.core import AbstractDataset, DatasetError

from synboost_kedro.inference.outputs import (
    OUTPUT_KINDS,
    SUMMARY_FILE,
    InferenceProducer,
    write_outputs,
)

logger = logging.getLogger(__name__)

__all__ = ["OUTPUT_KINDS", "InferenceOutputDataset"]


class InferenceOutputDataset(AbstractDataset[InferenceProducer, dict[str, Callable]]):
    """Writes every map of every image as ``<path>/<kind>/<name>.png``, one image at a time.

    The files are those of :func:`~synboost_kedro.inference.outputs.write_every_map`:
    ``anomaly/<name>.png`` is the score × 65535 as a 16-bit PNG and ``anomaly/<name>.npy`` the
    exact float32 score, beside colour renderings and the intermediate maps. Every file is written
    atomically, and only the current image is held in memory. ``summary.json`` lists the images
    written and those the producer skipped (its ``skipped`` attribute, ``{name: reason}``), also
    logged to the active MLflow run. ``load`` returns ``{name: loader}`` of the float32 score maps.

    Args:
        path: Output folder.
        overlay_alpha: Opacity of the heat map over the image where the score is 1.
        metadata: Free-form metadata, ignored by the dataset.
    """

    def __init__(
        self, path: str, overlay_alpha: float = 0.6, metadata: dict[str, Any] | None = None
    ) -> None:
        self._path = Path(path)
        self._overlay_alpha = overlay_alpha
        self.metadata = metadata

    def save(self, data: InferenceProducer) -> None:
        if not callable(data):
            raise DatasetError(
                f"InferenceOutputDataset '{self._path}' saves a producer of results, "
                f"got {type(data).__name__}"
            )
        summary = write_outputs(self._path, data, overlay_alpha=self._overlay_alpha, progress=True)
        self._report(summary)

    def _report(self, summary: dict[str, Any]) -> None:
        """A log line, and the summary in the active MLflow run."""
        written, skipped = summary["written"], summary["skipped"]
        logger.info("'%s': maps of %d image(s) written", self._path, len(written))
        if skipped:
            logger.warning(
                "'%s': %d image(s) skipped: %s",
                self._path,
                len(skipped),
                "; ".join(f"{name} ({reason})" for name, reason in skipped.items()),
            )
        if mlflow.active_run() is not None:
            mlflow.log_dict(summary, f"inference/{self._path.name}_{SUMMARY_FILE}")
            mlflow.log_metrics(
                {f"{self._path.name}_images_written": len(written)}
                | {f"{self._path.name}_images_skipped": len(skipped)}
            )

    def load(self) -> dict[str, Callable[[], np.ndarray]]:
        """``{name: loader}`` of the stored float32 anomaly score maps.

        Raises:
            DatasetError: no score map is stored.
        """
        files = sorted((self._path / "anomaly").rglob("*.npy"))
        if not files:
            raise DatasetError(f"No anomaly maps under '{self._path / 'anomaly'}'")
        return {
            path.relative_to(self._path / "anomaly").with_suffix("").as_posix(): functools.partial(
                np.load, path
            )
            for path in files
        }

    def _exists(self) -> bool:
        return (self._path / "anomaly").is_dir()

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._path), "overlay_alpha": self._overlay_alpha}
