"""Anybody's score maps against a labelled benchmark folder: what ``synboost-kedro evaluate``
measures, with the pipeline's metrics (``metrics.evaluate_methods``).

Frames are the labelled ones. Every method needs a score file of each labelled frame, named by
its frame id and at the label's size; score files without a label (hidden test frames) are left
out with a warning.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from synboost_kedro.evaluation.set_metrics import TRACKS
from synboost_kedro.metrics import DatasetMetrics, evaluate_methods
from synboost_kedro.metrics.evaluate import MethodsFrame
from synboost_kedro.preparation import check_raw_label, label_format
from synboost_kedro.storage.image_files import read_integer_map
from synboost_kedro.storage.score_files import SCORE_SUFFIXES, read_score_file

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LabelLayout:
    """Where a benchmark keeps its labels under its root, and how it encodes them.

    Attributes:
        folder: The labels' folder under the root.
        suffix: The file-name ending after the frame id.
        label_format: Key in :data:`~synboost_kedro.preparation.LABEL_FORMATS`.
        track: The SegmentMeIfYouCan component track its objects are scored with by default.
    """

    folder: str
    suffix: str
    label_format: str
    track: str


#: The labels of the benchmark layouts (``datasets/anomaly.py`` reads their images too).
LABEL_LAYOUTS = {
    # Fishyscapes Lost & Found and Static exports, and the project's processed sets:
    # labels/<frame id>.png, 1 = anomaly, 0 = normal, 255 = void. Obstacles on the road.
    "fishyscapes": LabelLayout("labels", ".png", "anomaly_mask", "obstacle"),
    # SegmentMeIfYouCan RoadAnomaly21 (and RoadObstacle21 with the obstacle track):
    # labels_masks/<frame id>_labels_semantic.png with the same values.
    "smiyc": LabelLayout("labels_masks", "_labels_semantic.png", "anomaly_mask", "anomaly"),
}


def _layout(name: str) -> LabelLayout:
    if name not in LABEL_LAYOUTS:
        raise ValueError(f"Unknown label layout '{name}'; choose one of {sorted(LABEL_LAYOUTS)}")
    return LABEL_LAYOUTS[name]


def label_files(root: str | os.PathLike, layout: str) -> dict[str, Path]:
    """``{frame_id: label file}`` of the benchmark at ``root``, sorted.

    Raises:
        FileNotFoundError: no label in the layout's place; the message names the expected files.
    """
    spec = _layout(layout)
    folder = Path(root) / spec.folder
    found = {
        path.name[: -len(spec.suffix)]: path for path in sorted(folder.glob(f"*{spec.suffix}"))
    }
    if not found:
        raise FileNotFoundError(
            f"No label in '{folder}': the {layout} layout keeps each frame's label as "
            f"'<labels folder>/{spec.folder}/<frame id>{spec.suffix}'"
        )
    return found


def read_label(path: Path, layout: str) -> np.ndarray:
    """The common 1 / 0 / 255 mask of a label file of ``layout``.

    Raises:
        ValueError: unreadable, not one channel, or values the format does not define; the
            message names the file.
    """
    format_name = _layout(layout).label_format
    raw = read_integer_map(path, np.uint8)
    check_raw_label(raw, format_name, str(path))
    return label_format(format_name).to_common(raw)


def score_files(folder: str | os.PathLike) -> dict[str, Path]:
    """``{frame_id: score file}`` of a folder of score maps, one per frame (:data:`SCORE_SUFFIXES`;
    a frame stored in several forms, as ``predict`` writes ``.npy`` and ``.png``, is read from
    the most exact).

    Raises:
        FileNotFoundError: the folder is missing or holds no score file.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"Score folder '{folder}' does not exist")
    found: dict[str, Path] = {}
    for suffix in reversed(SCORE_SUFFIXES):  # the preferred suffixes come last and win
        found |= {path.stem: path for path in folder.glob(f"*{suffix}")}
    if not found:
        raise FileNotFoundError(
            f"'{folder}' holds no score file ({', '.join(SCORE_SUFFIXES)}); for the output of "
            "`synboost-kedro predict`, pass its anomaly/ folder"
        )
    return dict(sorted(found.items()))


def measure_score_folders(
    score_folders: Mapping[str, str | os.PathLike],
    label_root: str | os.PathLike,
    layout: str,
    track: str | None = None,
) -> DatasetMetrics:
    """Pixel and component metrics of each method's score folder on the labelled frames.

    Args:
        score_folders: ``{method: folder of its score maps}``.
        label_root: The benchmark folder holding the labels in ``layout``.
        layout: A key of :data:`LABEL_LAYOUTS`.
        track: ``"anomaly"`` or ``"obstacle"``; ``None`` takes the layout's.

    Raises:
        FileNotFoundError: a folder is missing or a labelled frame has no score file; the
            message names the expected file.
        ValueError: a file is unreadable or a score map's size differs from its label's; the
            message names the files.
    """
    track = track or _layout(layout).track
    if track not in TRACKS:
        raise ValueError(f"Unknown component track '{track}'; choose one of {sorted(TRACKS)}")
    labels = label_files(label_root, layout)
    scores = {method: _paired(folder, labels) for method, folder in score_folders.items()}

    def frames() -> Iterator[MethodsFrame]:
        for frame_id, label_path in labels.items():
            label = read_label(label_path, layout)
            maps = {method: read_score_file(files[frame_id]) for method, files in scores.items()}
            for method, values in maps.items():
                if values.shape != label.shape:
                    raise ValueError(
                        f"'{scores[method][frame_id]}' is {values.shape[1]}x{values.shape[0]} "
                        f"but its label '{label_path}' is {label.shape[1]}x{label.shape[0]}"
                    )
            yield frame_id, maps, label

    return evaluate_methods(frames, list(score_folders), TRACKS[track], max_curve_points=2)


def _paired(folder: str | os.PathLike, labels: Mapping[str, Path]) -> dict[str, Path]:
    """The score file of every labelled frame in ``folder``."""
    files = score_files(folder)
    missing = [frame_id for frame_id in labels if frame_id not in files]
    if missing:
        raise FileNotFoundError(
            f"{len(missing)} labelled frame(s) have no score file in '{folder}', e.g. "
            f"'{Path(folder) / missing[0]}{SCORE_SUFFIXES[0]}' for '{labels[missing[0]]}'"
        )
    unlabelled = sorted(set(files) - set(labels))
    if unlabelled:
        logger.warning(
            "'%s': %d score file(s) have no label and are not scored, e.g. %s",
            folder,
            len(unlabelled),
            unlabelled[:3],
        )
    return {frame_id: files[frame_id] for frame_id in labels}
