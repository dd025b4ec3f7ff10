"""A detector's per-image outputs on disk, Kedro-free: every map of every image, or the
SegmentMeIfYouCan submission layout.

The ``inference`` pipeline's ``InferenceOutputDataset`` and ``synboost-kedro predict`` both write
through :func:`write_outputs`, so a folder written by either reads the same.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from synboost_kedro.cityscapes import colourise_train_ids
from synboost_kedro.heatmaps import heat_map, overlay
from synboost_kedro.inference.analysis import AnomalyAnalysis
from synboost_kedro.inference.figures import analysis_figure
from synboost_kedro.storage.image_files import write_image
from synboost_kedro.storage.score_files import SMIYC_SUFFIX, write_smiyc_scores
from synboost_kedro.utils import atomic_path, atomic_write_bytes
from synboost_kedro.utils.progress import progress_bar

#: ``(name, RGB image, analysis)`` of one image.
InferenceResult = tuple[str, np.ndarray, AnomalyAnalysis]
#: Called once, it yields the results; an optional ``skipped`` attribute (``{name: reason}``)
#: lists the images it could not analyse.
InferenceProducer = Callable[[], Iterable[InferenceResult]]

#: Sub-folders of the ``default`` format, one PNG per image at its size; ``anomaly`` holds the
#: score as a 16-bit PNG (exact to 1/65535, but black in most viewers) and the float32 ``.npy``,
#: ``anomaly_8bit`` the same score as an 8-bit grey picture any viewer shows.
OUTPUT_KINDS = (
    "anomaly",
    "anomaly_8bit",
    "heatmap",
    "overlay",
    "semantic",
    "synthesis",
    "entropy",
    "distance",
    "perceptual",
)
#: ``default``: every map per kind; ``smiyc``: one float16 ``<name>.hdf5`` score file per image,
#: SegmentMeIfYouCan's layout (``storage/score_files.py``).
OUTPUT_FORMATS = ("default", "smiyc")
#: Which images were written and which were skipped (with why), beside the outputs.
SUMMARY_FILE = "summary.json"
#: One row per written image: its size and how anomalous it scored.
IMAGES_FILE = "images.csv"
#: The ``default`` format's sub-folder of figures: every map of an image, with the score scale.
FIGURE_KIND = "figure"
#: The score above which :data:`IMAGES_FILE` counts a pixel as anomalous: the probability's
#: midpoint. The detector holds no threshold of its own; a calibrated one is the best-F1
#: threshold of the evaluation table (``best_f1_threshold``).
ANOMALY_THRESHOLD = 0.5
_UINT16_MAX = np.iinfo(np.uint16).max


def _unit_to_uint8(values: np.ndarray) -> np.ndarray:
    return (np.clip(values, 0, 1) * 255).astype(np.uint8)


def write_every_map(
    folder: Path, name: str, image: np.ndarray, analysis: AnomalyAnalysis, overlay_alpha: float
) -> None:
    """``<folder>/<kind>/<name>.png`` of every kind of :data:`OUTPUT_KINDS`, and the exact
    float32 score as ``anomaly/<name>.npy``.

    ``anomaly/<name>.png`` is the score × 65535 as a 16-bit PNG (clipped to ``[0, 1]``);
    ``heatmap`` and ``overlay`` render the score in colour, ``semantic`` is the colourised
    prediction, ``entropy``, ``distance`` and ``perceptual`` are 8-bit maps.
    """
    scores = analysis.anomaly
    with atomic_path(folder / "anomaly" / f"{name}.npy") as tmp:
        np.save(tmp, scores.astype(np.float32))
    rendered = {
        "anomaly": (np.clip(scores, 0, 1) * _UINT16_MAX).round().astype(np.uint16),
        "anomaly_8bit": _unit_to_uint8(scores),
        "heatmap": heat_map(scores),
        "overlay": overlay(image, scores, overlay_alpha),
        "semantic": colourise_train_ids(analysis.semantic),
        "synthesis": analysis.synthesis,
        "entropy": _unit_to_uint8(analysis.entropy),
        "distance": _unit_to_uint8(analysis.distance),
        "perceptual": _unit_to_uint8(analysis.perceptual),
    }
    for kind, array in rendered.items():
        write_image(folder / kind / f"{name}.png", array)
    figure = analysis_figure(name, image, analysis)
    with atomic_path(folder / FIGURE_KIND / f"{name}.png") as tmp:
        figure.savefig(tmp, format="png")


def image_row(name: str, scores: np.ndarray) -> dict[str, Any]:
    """One :data:`IMAGES_FILE` row: the image's size and how anomalous it scored."""
    height, width = scores.shape
    return {
        "name": name,
        "height": height,
        "width": width,
        "max_score": round(float(scores.max()), 6),
        "mean_score": round(float(scores.mean()), 6),
        f"share_above_{ANOMALY_THRESHOLD}": round(float((scores > ANOMALY_THRESHOLD).mean()), 6),
    }


def _write_rows(path: Path, rows: list[dict[str, Any]]) -> None:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(image_row("", np.zeros((1, 1)))))
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_bytes(path, text.getvalue().encode())


def write_outputs(
    folder: str | os.PathLike,
    producer: InferenceProducer,
    output_format: str = "default",
    overlay_alpha: float = 0.6,
    progress: bool = False,
) -> dict[str, Any]:
    """Write every result of ``producer`` one image at a time, then :data:`IMAGES_FILE` and
    :data:`SUMMARY_FILE`.

    Every file is written atomically and only the current image is held in memory.

    Args:
        folder: The output folder.
        producer: See :data:`InferenceProducer`.
        output_format: One of :data:`OUTPUT_FORMATS`.
        overlay_alpha: Opacity of the heat map over the image where the score is 1 (``default``).
        progress: Show a progress bar (a library call is silent otherwise).

    Returns:
        The summary: ``{"written": [name, ...], "skipped": {name: reason}}``.

    Raises:
        ValueError: unknown ``output_format``.
    """
    if output_format not in OUTPUT_FORMATS:
        raise ValueError(f"Unknown output format '{output_format}'; choose one of {OUTPUT_FORMATS}")
    folder = Path(folder)
    written, rows = [], []
    for name, image, analysis in progress_bar(producer(), "anomaly maps", "image", show=progress):
        if output_format == "smiyc":
            write_smiyc_scores(folder / f"{name}{SMIYC_SUFFIX}", analysis.anomaly)
        else:
            write_every_map(folder, name, image, analysis, overlay_alpha)
        written.append(name)
        rows.append(image_row(name, analysis.anomaly))
    summary = {"written": written, "skipped": dict(getattr(producer, "skipped", {}))}
    folder.mkdir(parents=True, exist_ok=True)
    _write_rows(folder / IMAGES_FILE, rows)
    atomic_write_bytes(folder / SUMMARY_FILE, json.dumps(summary, indent=2).encode())
    return summary
