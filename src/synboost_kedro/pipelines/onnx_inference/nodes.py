"""Nodes of the ``onnx_inference`` pipeline: the detector assembled from the exported networks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import onnx

from synboost_kedro.inference import AnomalyDetector
from synboost_kedro.pipelines.inference.nodes import inference_settings


def assemble_onnx_detector(
    segmentation_onnx: onnx.ModelProto,
    synthesis_onnx: onnx.ModelProto,
    dissimilarity_onnx: onnx.ModelProto,
    fusion_weights: Mapping[str, float],
    *,
    map_params: Mapping[str, Any],
    params: Mapping[str, Any],
) -> AnomalyDetector:
    """The exported networks in ONNX Runtime, at the resolutions they were trained at.

    Args:
        segmentation_onnx, synthesis_onnx, dissimilarity_onnx: The ``export`` pipeline's files.
        map_params: ``uncertainty_maps`` parameters (see
            :func:`~synboost_kedro.pipelines.inference.nodes.assemble_detector`).
        fusion_weights: The evaluated ``synboost`` fusion weights (as for ``inference``).
        params: ``inference`` parameters: ``batch_size``, ``max_pixels`` and ``onnx_threads``
            (ONNX Runtime intra-op threads; ``None`` uses one per core).

    Raises:
        ValueError: a parameter is invalid, or ``uncertainty_maps.synthesis.style_seed`` is set
            (the exported synthesis cannot sample a style); the message names it.
    """
    settings = inference_settings(map_params, fusion_weights, params)
    if settings.seed is not None:
        raise ValueError(
            "Parameter uncertainty_maps.synthesis.style_seed must be null for onnx_inference, "
            f"got {settings.seed}: the exported synthesis is deterministic"
        )
    threads = params.get("onnx_threads")
    valid = threads is None or (type(threads) is int and threads >= 1)
    if not valid:
        raise ValueError(
            f"Parameter inference.onnx_threads must be null or an integer >= 1, got {threads!r}"
        )
    return AnomalyDetector.from_onnx(
        segmentation_onnx,
        synthesis_onnx,
        dissimilarity_onnx,
        settings=settings,
        threads=threads,
    )
