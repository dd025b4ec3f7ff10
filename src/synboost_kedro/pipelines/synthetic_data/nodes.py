"""Nodes of the ``synthetic_data`` pipeline: lazy frame generators for the catalog's datasets.

Each node returns ``{frame_id: callable}`` so frames are rendered one at a time while the dataset
writes them, and memory stays flat however many frames are asked for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from synboost_kedro.frames import AnomalyFrame, CityscapesFrame
from synboost_kedro.synthetic import (
    render_anomaly_frame,
    render_cityscapes_frame,
    render_pasted_object_frame,
)

logger = logging.getLogger(__name__)

# Distinct streams per split, so adding frames to one split never changes another.
_STREAMS = {
    "train": 0,
    "val": 1,
    "lost_and_found": 2,
    "road_anomaly": 3,
    "photo_objects": 4,
    "procedural_objects": 5,
}
#: The renderer of each anomaly-set style: ``(frame_id, height, width, seed) -> AnomalyFrame``.
ANOMALY_RENDERERS: dict[str, Callable[..., AnomalyFrame]] = {
    "lost_and_found": partial(render_anomaly_frame, style="lost_and_found"),
    "road_anomaly": partial(render_anomaly_frame, style="road_anomaly"),
    "photo_objects": partial(render_pasted_object_frame, texture="photo"),
    "procedural_objects": partial(render_pasted_object_frame, texture="procedural"),
}


def _frame_seed(seed: int, stream: str, index: int) -> int:
    return int(np.random.SeedSequence([seed, _STREAMS[stream], index]).generate_state(1)[0])


def _check_positive(params: dict[str, Any], *keys: str) -> None:
    for key in keys:
        value = params[key]
        if not isinstance(value, int) or value <= 0:
            raise ValueError(
                f"Parameter synthetic_data.{key} must be a positive integer, got {value!r}"
            )


def generate_cityscapes_split(
    params: dict[str, Any], split: str
) -> dict[str, Callable[[], CityscapesFrame]]:
    """Lazily render one split of the synthetic Cityscapes dataset.

    Args:
        params: ``synthetic_data`` parameters: ``seed``, ``height``, ``width``,
            ``<split>_frames`` and ``<split>_cities``.
        split: ``train`` or ``val``.

    Returns:
        ``{frame_id: render}`` with Cityscapes frame ids ``<city>_<sequence>_<frame>``.
    """
    _check_positive(params, "height", "width", f"{split}_frames")
    cities = params[f"{split}_cities"]
    frames = {}
    for index in range(params[f"{split}_frames"]):
        city = cities[index % len(cities)]
        frame_id = f"{city}_{index // len(cities):06d}_{19 + index % 7:06d}"
        frames[frame_id] = partial(
            render_cityscapes_frame,
            frame_id,
            params["height"],
            params["width"],
            _frame_seed(params["seed"], split, index),
            params.get("void_objects", 0),
        )
    logger.info("Generating %d synthetic '%s' frames", len(frames), split)
    return frames


def generate_anomaly_set(
    params: dict[str, Any], style: str
) -> dict[str, Callable[[], AnomalyFrame]]:
    """Lazily render one synthetic anomaly test set.

    Args:
        params: ``synthetic_data`` parameters: ``seed``, ``height``, ``width``, ``anomaly_frames``.
        style: ``lost_and_found`` (obstacles on the road, void outside it), ``road_anomaly``
            (anomalies anywhere, as in SegmentMeIfYouCan RoadAnomaly21), ``photo_objects`` or
            ``procedural_objects`` (blobs cut from photographs or procedural textures, standing
            on the road; ``synthetic/pasted_objects.py``).
    """
    _check_positive(params, "height", "width", "anomaly_frames")
    frames = {
        f"{style}_{index:04d}": partial(
            ANOMALY_RENDERERS[style],
            f"{style}_{index:04d}",
            params["height"],
            params["width"],
            _frame_seed(params["seed"], style, index),
        )
        for index in range(params["anomaly_frames"])
    }
    logger.info("Generating %d synthetic '%s' anomaly frames", len(frames), style)
    return frames
