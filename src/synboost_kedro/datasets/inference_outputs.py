"""Per-image outputs of the ``inference`` pipeline, one sub-folder per kind, streamed to disk."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
from kedro.io.core import AbstractDataset, DatasetError
from tqdm.auto import tqdm

from synboost_kedro.cityscapes import colourise_train_ids
from synboost_kedro.datasets.image_io import write_image
from synboost_kedro.heatmaps import heat_map, overlay
from synboost_kedro.inference import AnomalyAnalysis
from synboost_kedro.utils import atomic_path, atomic_write_bytes

logger = logging.getLogger(__name__)

#: ``(name, RGB image, analysis)`` of one image.
InferenceResult = tuple[str, np.ndarray, AnomalyAnalysis]
#: What a node hands to :meth:`InferenceOutputDataset.save`: called once, it yields the results.
InferenceProducer = Callable[[], Iterable[InferenceResult]]

#: Sub-folders written per image; ``anomaly`` holds a 16-bit PNG and the float32 ``.npy``.
OUTPUT_KINDS = (
    "anomaly",
    "heatmap",
    "overlay",
    "semantic",
    "synthesis",
    "entropy",
    "distance",
    "perceptual",
)
_UINT16_MAX = np.iinfo(np.uint16).max
#: Which images were written and which were skipped (with why), beside the maps.
SUMMARY_FILE = "summary.json"


def _unit_to_uint8(values: np.ndarray) -> np.ndarray:
    return (np.clip(values, 0, 1) * 255).astype(np.uint8)


class InferenceOutputDataset(AbstractDataset[InferenceProducer, dict[str, Callable]]):
    """Writes every map of every image as ``<path>/<kind>/<name>.png``, one image at a time.

    ``anomaly/<name>.png`` is the score × 65535 as a 16-bit PNG (clipped to ``[0, 1]``) and
    ``anomaly/<name>.npy`` the exact float32 score; ``heatmap`` and ``overlay`` render the score
    in colour, ``semantic`` is the colourised prediction, ``entropy``, ``distance`` and
    ``perceptual`` are 8-bit maps. Every file is written atomically, and only the current image
    is held in memory. ``summary.json`` lists the images written and those the producer skipped
    (its ``skipped`` attribute, ``{name: reason}``), also logged to the active MLflow run.
    ``load`` returns ``{name: loader}`` of the float32 score maps.

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
        written = []
        for name, image, analysis in tqdm(data(), desc="anomaly maps", unit="image"):
            self._write(name, image, analysis)
            written.append(name)
        self._summarise(written, getattr(data, "skipped", {}))

    def _summarise(self, written: list[str], skipped: dict[str, str]) -> None:
        """``summary.json`` beside the maps, a log line, and the same in the active MLflow run."""
        summary = {"written": written, "skipped": skipped}
        self._path.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self._path / SUMMARY_FILE, json.dumps(summary, indent=2).encode())
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

    def _write(self, name: str, image: np.ndarray, analysis: AnomalyAnalysis) -> None:
        scores = analysis.anomaly
        with atomic_path(self._file("anomaly", name, ".npy")) as tmp:
            np.save(tmp, scores.astype(np.float32))
        rendered = {
            "anomaly": (np.clip(scores, 0, 1) * _UINT16_MAX).round().astype(np.uint16),
            "heatmap": heat_map(scores),
            "overlay": overlay(image, scores, self._overlay_alpha),
            "semantic": colourise_train_ids(analysis.semantic),
            "synthesis": analysis.synthesis,
            "entropy": _unit_to_uint8(analysis.entropy),
            "distance": _unit_to_uint8(analysis.distance),
            "perceptual": _unit_to_uint8(analysis.perceptual),
        }
        for kind, array in rendered.items():
            write_image(self._file(kind, name, ".png"), array)

    def _file(self, kind: str, name: str, suffix: str) -> Path:
        return self._path / kind / f"{name}{suffix}"

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
