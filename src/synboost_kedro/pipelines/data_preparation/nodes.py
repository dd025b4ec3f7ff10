"""Nodes of the ``data_preparation`` pipeline.

Each node returns ``{frame_id: callable}``: a frame is read, prepared and written one at a time
while the output dataset saves it, so memory stays flat however large the split is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from synboost_kedro.frames import CityscapesFrame, ProcessedFrame
from synboost_kedro.preparation import (
    RawBenchmarkFrame,
    SwapSettings,
    make_training_frame,
    to_anomaly_frame,
    void_object_label_ids,
)
from synboost_kedro.preparation.label_swap import check_replacement_label_ids
from synboost_kedro.utils.strict_fields import check_known_keys

logger = logging.getLogger(__name__)

_PARAMETERS = "data_preparation"


def _parameter(
    params: Mapping[str, Any], key: str, kind: type, convert: Callable[[Any], Any] = lambda v: v
) -> Any:
    """``convert(params[key])`` after a type check; any error names the parameter."""
    try:
        if key not in params:
            raise ValueError("missing")
        value = params[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ValueError(f"must be {kind.__name__}, got {value!r}")
        return convert(value)
    except ValueError as error:
        raise ValueError(f"Parameter {_PARAMETERS}.{key}: {error}") from error


def swap_settings(params: Mapping[str, Any]) -> SwapSettings:
    """Validate the ``data_preparation`` parameters into :class:`SwapSettings`.

    Raises:
        ValueError: naming the parameter that is missing or wrong.
    """
    check_known_keys(
        params,
        ("seed", "replacement_label_ids", "void_objects", "ignore_void"),
        f"{_PARAMETERS} parameters",
    )
    return SwapSettings(
        seed=_parameter(params, "seed", int),
        replacement_label_ids=_parameter(
            params, "replacement_label_ids", list, check_replacement_label_ids
        ),
        void_label_ids=_parameter(params, "void_objects", str, void_object_label_ids),
        ignore_void=_parameter(params, "ignore_void", bool),
    )


def _training_frame(load: Callable[[], CityscapesFrame], settings: SwapSettings) -> ProcessedFrame:
    return make_training_frame(load(), settings)


def swap_instance_labels(
    cityscapes_frames: Mapping[str, Callable[[], CityscapesFrame]], params: Mapping[str, Any]
) -> dict[str, Callable[[], ProcessedFrame]]:
    """Lazily turn Cityscapes frames into dissimilarity training frames (docs/method.md, "Training
    anomalies by label swapping" and "Void handling").

    Args:
        cityscapes_frames: ``{frame_id: loader}`` of one Cityscapes split.
        params: The ``data_preparation`` parameters.

    Returns:
        ``{frame_id: callable → ProcessedFrame}`` with the original image, the anomaly mask
        (``label``), the swapped label ids, their train ids (``semantic``) and the original
        instance ids.
    """
    settings = swap_settings(params)
    logger.info(
        "Swapping instance labels of %d frames (seed %d, void objects %s, ignore void %s)",
        len(cityscapes_frames),
        settings.seed,
        list(settings.void_label_ids),
        settings.ignore_void,
    )
    return training_frames(cityscapes_frames, settings)


def training_frames(
    cityscapes_frames: Mapping[str, Callable[[], CityscapesFrame]], settings: SwapSettings
) -> dict[str, Callable[[], ProcessedFrame]]:
    """``{frame_id: callable → ProcessedFrame}``: each frame prepared with ``settings`` when
    called."""
    return {
        frame_id: partial(_training_frame, load, settings)
        for frame_id, load in cityscapes_frames.items()
    }


def _benchmark_frame(load: Callable[[], RawBenchmarkFrame]) -> ProcessedFrame:
    frame = to_anomaly_frame(load())
    return ProcessedFrame(frame.frame_id, image=frame.image, label=frame.mask)


def convert_benchmark_labels(
    raw_frames: Mapping[str, Callable[[], RawBenchmarkFrame]],
) -> dict[str, Callable[[], ProcessedFrame]]:
    """Lazily convert a benchmark's raw labels to the common 1 / 0 / 255 mask.

    Args:
        raw_frames: ``{frame_id: loader}`` of an :class:`AnomalyBenchmarkDataset`, whose layout
            says which converter applies.

    Returns:
        ``{frame_id: callable → ProcessedFrame(image, label)}``.
    """
    logger.info("Converting %d benchmark frames to common anomaly masks", len(raw_frames))
    return {frame_id: partial(_benchmark_frame, load) for frame_id, load in raw_frames.items()}
