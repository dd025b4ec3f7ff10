"""Converters from each benchmark's raw label values to the common 1 / 0 / 255 anomaly mask.

Formats are in docs/method.md, "Evaluation datasets":

* ``anomaly_mask``: Fishyscapes (Lost & Found, Static) and SegmentMeIfYouCan (RoadAnomaly21,
  RoadObstacle21, whose region of interest is already 255): already 1 / 0 / 255.
* ``lost_and_found``: Lost & Found ``gtCoarse_labelTrainIds``: 0 background, 1 free space,
  2 obstacle (anomaly), 255 outside the region of interest (kept as 255).
* ``lost_and_found_label_ids``: Lost & Found ``gtCoarse_labelIds`` as downloaded, read as
  SegmentMeIfYouCan reads them: 0 outside the region of interest (255), 1 free road (normal),
  2..200 an obstacle class (anomaly).
* ``road_anomaly``: Road Anomaly ``labels_semantic.png``: 0 background, 1 road, 2 anomaly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from synboost_kedro.frames import ANOMALY, IGNORE, NORMAL, AnomalyFrame


@dataclass(frozen=True)
class LabelFormat:
    """How one benchmark encodes its labels.

    Attributes:
        name: Key in :data:`LABEL_FORMATS`.
        common_value: ``{raw value: common mask value}`` for every value the format may hold.
    """

    name: str
    common_value: Mapping[int, int]

    @property
    def is_common(self) -> bool:
        """Whether raw labels already are common masks (so common masks can be written back)."""
        return all(raw == common for raw, common in self.common_value.items())

    def unknown_values(self, raw_label: np.ndarray) -> np.ndarray:
        """The sorted values of ``raw_label`` this format does not define."""
        return np.setdiff1d(np.unique(raw_label), np.fromiter(self.common_value, dtype=np.int64))

    def to_common(self, raw_label: np.ndarray) -> np.ndarray:
        """Map raw values to the common mask; ``unknown_values`` must be empty."""
        lookup = np.zeros(256, dtype=np.uint8)
        for raw, common in self.common_value.items():
            lookup[raw] = common
        return lookup[raw_label.astype(np.uint8, copy=False)]


#: The largest Lost & Found label id SegmentMeIfYouCan counts as an obstacle.
_LAST_OBSTACLE_ID = 200

LABEL_FORMATS: Mapping[str, LabelFormat] = MappingProxyType(
    {
        "anomaly_mask": LabelFormat(
            "anomaly_mask", {NORMAL: NORMAL, ANOMALY: ANOMALY, IGNORE: IGNORE}
        ),
        "lost_and_found": LabelFormat(
            "lost_and_found", {0: NORMAL, 1: NORMAL, 2: ANOMALY, 255: IGNORE}
        ),
        "lost_and_found_label_ids": LabelFormat(
            "lost_and_found_label_ids",
            {0: IGNORE, 1: NORMAL, **dict.fromkeys(range(2, _LAST_OBSTACLE_ID + 1), ANOMALY)},
        ),
        "road_anomaly": LabelFormat("road_anomaly", {0: NORMAL, 1: NORMAL, 2: ANOMALY}),
    }
)


@dataclass(frozen=True)
class RawBenchmarkFrame:
    """One benchmark frame with its label exactly as the benchmark stores it.

    Attributes:
        frame_id: The benchmark's frame id.
        image: ``[H, W, 3]`` uint8 RGB.
        raw_label: ``[H, W]`` uint8 label in the benchmark's own values.
        label_format: Key in :data:`LABEL_FORMATS`.
        label_path: Where the label was read from, for error messages.
    """

    frame_id: str
    image: np.ndarray
    raw_label: np.ndarray
    label_format: str
    label_path: str = "<memory>"


def label_format(name: str) -> LabelFormat:
    """The :data:`LABEL_FORMATS` entry called ``name``.

    Raises:
        ValueError: no such format.
    """
    if name not in LABEL_FORMATS:
        raise ValueError(f"Unknown label format '{name}'; choose one of {sorted(LABEL_FORMATS)}")
    return LABEL_FORMATS[name]


def check_raw_label(raw_label: np.ndarray, format_name: str, label_path: str) -> None:
    """Refuse labels holding values their format does not define.

    Raises:
        ValueError: naming the file, its format and the unknown values.
    """
    unknown = label_format(format_name).unknown_values(raw_label)
    if unknown.size:
        allowed = _value_ranges(sorted(LABEL_FORMATS[format_name].common_value))
        raise ValueError(
            f"'{label_path}' holds values {unknown.tolist()} that the '{format_name}' label "
            f"format does not define (allowed: {allowed})"
        )


def _value_ranges(values: list[int]) -> str:
    """``[0, 1, 2, 3, 255]`` → ``"0..3, 255"``."""
    runs: list[list[int]] = []
    for value in values:
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    return ", ".join(
        f"{run[0]}..{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs
    )


def to_anomaly_frame(raw: RawBenchmarkFrame) -> AnomalyFrame:
    """Convert a raw benchmark frame to the common form (1 anomaly, 0 normal, 255 ignore).

    Raises:
        ValueError: the label holds values its format does not define, or its size differs
            from the image's.
    """
    if raw.raw_label.shape != raw.image.shape[:2]:
        raise ValueError(
            f"'{raw.label_path}' is {raw.raw_label.shape[1]}x{raw.raw_label.shape[0]} but its "
            f"image is {raw.image.shape[1]}x{raw.image.shape[0]}"
        )
    check_raw_label(raw.raw_label, raw.label_format, raw.label_path)
    return AnomalyFrame(
        raw.frame_id, raw.image, LABEL_FORMATS[raw.label_format].to_common(raw.raw_label)
    )
