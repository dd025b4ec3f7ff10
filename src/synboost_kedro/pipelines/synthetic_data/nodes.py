"""Nodes of the ``synthetic_data`` pipeline: lazy frame generators for the catalog's datasets.

Each node checks its parameters and returns the ``{frame_id: callable}`` set of
``synthetic/frame_sets.py``, so the dataset renders frames one at a time while writing them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from synboost_kedro.frames import AnomalyFrame, CityscapesFrame
from synboost_kedro.synthetic import anomaly_set_frames, cityscapes_split_frames
from synboost_kedro.utils.strict_fields import check_known_keys

logger = logging.getLogger(__name__)


#: The ``synthetic_data`` parameters.
PARAMETER_KEYS = (
    "seed",
    "height",
    "width",
    "train_frames",
    "train_cities",
    "val_frames",
    "val_cities",
    "anomaly_frames",
    "void_objects",
)


def _check_positive(params: dict[str, Any], *keys: str) -> None:
    check_known_keys(params, PARAMETER_KEYS, "synthetic_data parameters")
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
    frames = cityscapes_split_frames(
        split,
        seed=params["seed"],
        height=params["height"],
        width=params["width"],
        frames=params[f"{split}_frames"],
        cities=params[f"{split}_cities"],
        void_objects=params.get("void_objects", 0),
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
    frames = anomaly_set_frames(
        style,
        seed=params["seed"],
        height=params["height"],
        width=params["width"],
        frames=params["anomaly_frames"],
    )
    logger.info("Generating %d synthetic '%s' anomaly frames", len(frames), style)
    return frames
