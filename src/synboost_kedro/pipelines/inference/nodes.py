"""Nodes of the ``inference`` pipeline: assemble the detector, run it on a folder or on a batch."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from torch import nn

from synboost_kedro.datasets.image_folder import ImageLoader
from synboost_kedro.inference import AnomalyDetector, DetectorSettings
from synboost_kedro.inference.analysis import ImageStream
from synboost_kedro.uncertainty import MapConfig, SynthesisLabels
from synboost_kedro.utils.precision import DEFAULT_PRECISION
from synboost_kedro.utils.strict_fields import check_known_keys

#: The ``inference`` parameters; the folders are read by the catalog (``runtime_params``).
INFERENCE_KEYS = (
    "device",
    "precision",
    "compile",
    "strict",
    "batch_size",
    "max_pixels",
    "onnx_threads",
    "input_dir",
    "output_dir",
    "onnx_output_dir",
)


def assemble_detector(
    segmentation_model: nn.Module,
    synthesis_model: nn.Module,
    dissimilarity_model: nn.Module,
    fusion_weights: Mapping[str, float],
    *,
    map_params: Mapping[str, Any],
    params: Mapping[str, Any],
) -> AnomalyDetector:
    """The trained networks with the resolutions they were trained at and the fusion weights.

    Args:
        segmentation_model: Segmentation network.
        synthesis_model: Synthesis network.
        dissimilarity_model: Trained dissimilarity network.
        fusion_weights: The weights the ``evaluation`` pipeline scored the ``synboost`` method
            with (searched on the validation anomaly set, or ``evaluation.fusion.weights``), so
            the detector scores as the evaluation table says.
        map_params: ``uncertainty_maps`` parameters: the sizes, normalisation and style seed
            the training maps were made with, and the VGG19 of the perceptual difference.
        params: ``inference`` parameters: ``device``, ``precision``, ``compile``,
            ``batch_size``, ``max_pixels``.

    Raises:
        ValueError: a parameter is invalid; the message names it.
    """
    return AnomalyDetector(
        segmentation_model,
        synthesis_model,
        dissimilarity_model,
        settings=inference_settings(map_params, fusion_weights, params),
        device=params.get("device", "auto"),
    )


def inference_settings(
    map_params: Mapping[str, Any],
    fusion_weights: Mapping[str, float],
    params: Mapping[str, Any],
) -> DetectorSettings:
    """The detector settings of the trained networks with the ``inference`` parameters'
    ``batch_size``, ``max_pixels``, ``precision`` and ``compile`` (see
    :func:`assemble_detector`)."""
    check_known_keys(params, INFERENCE_KEYS, "inference parameters")
    maps = MapConfig.from_params(map_params, SynthesisLabels.PREDICTION)
    perceptual = map_params.get("perceptual") or {}
    return DetectorSettings.from_map_config(
        maps,
        fusion_weights=dict(fusion_weights),
        perceptual_weights=perceptual.get("weights"),
        perceptual_seed=perceptual.get("seed", 0),
        perceptual_architecture=perceptual.get("architecture", "vgg19"),
        batch_size=params["batch_size"],
        max_pixels=params["max_pixels"],
        precision=params.get("precision", DEFAULT_PRECISION),
        compile=params.get("compile", False),
    )


def detect_anomalies(
    images: Mapping[str, ImageLoader], detector: AnomalyDetector, params: Mapping[str, Any]
) -> ImageStream:
    """Every map of every image, computed batch by batch while the outputs dataset writes them.

    Each image's size is checked from its file header before it is decoded. Unless
    ``inference.strict``, a bad image is skipped and listed in the run's summary.
    """
    check_known_keys(params, INFERENCE_KEYS, "inference parameters")
    strict = params.get("strict", False)
    if not isinstance(strict, bool):
        raise ValueError(f"Parameter inference.strict must be true or false, got {strict!r}")
    return ImageStream(detector.analyse_stream, images, strict, detector.settings.max_pixels)


def score_images(images: Any, detector: AnomalyDetector) -> np.ndarray:
    """Anomaly score maps ``[N, H, W]`` float32 of a served batch ``[N, H, W, 3]`` (or one
    ``[H, W, 3]`` image) of 0..255 integers, as MLflow's scoring server passes a JSON
    ``{"inputs": ...}`` request.

    Raises:
        ValueError: the input is not such a batch.
    """
    batch = np.asarray(images)
    if batch.ndim == 3:
        batch = batch[None]
    if batch.ndim != 4 or batch.shape[-1] != 3 or batch.size == 0:
        raise ValueError(
            f"Served input must be RGB images [N, H, W, 3] or one [H, W, 3], got {batch.shape}"
        )
    if not np.issubdtype(batch.dtype, np.integer) or batch.min() < 0 or batch.max() > 255:
        raise ValueError(
            f"Served images must hold integers 0..255, got {batch.dtype} values "
            f"{batch.min()}..{batch.max()}"
        )
    return np.stack(detector.predict(list(batch.astype(np.uint8))))
