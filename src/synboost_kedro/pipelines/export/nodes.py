"""Nodes of the ``export`` pipeline: export each network to ONNX, check it, report the checks.

The ``export`` parameters hold ``height`` and ``width`` (tracing size; the check also runs batch
2 at ``width×height`` so frozen sizes show up), ``seed`` (random inputs) and ``tolerance`` (the
largest accepted ``|onnx - torch|``).
"""

from __future__ import annotations

from typing import Any

import onnx
from torch import nn

from synboost_kedro.export import (
    ONNX_OPSET,
    SPEC_BUILDERS,
    check_onnx_equivalence,
    check_sizes,
    export_to_onnx,
)
from synboost_kedro.utils.strict_fields import check_known_keys

CheckReport = dict[str, Any]


def export_segmentation(
    model: nn.Module, params: dict[str, Any]
) -> tuple[onnx.ModelProto, CheckReport]:
    """Export the segmentation network (``image → logits``) and check it against torch.

    Returns:
        The ONNX model and its check results (``EquivalenceResult.to_dict()``).

    Raises:
        OnnxEquivalenceError: ONNX Runtime and torch differ by more than ``tolerance``.
    """
    return _export("segmentation", model, params)


def export_synthesis(
    model: nn.Module, params: dict[str, Any]
) -> tuple[onnx.ModelProto, CheckReport]:
    """Export the synthesis network (label and instance ids [+ image] → RGB); see above."""
    return _export("synthesis", model, params)


def export_dissimilarity(
    model: nn.Module, params: dict[str, Any]
) -> tuple[onnx.ModelProto, CheckReport]:
    """Export the dissimilarity network (images, semantics [+ priors] → logits); see above."""
    return _export("dissimilarity", model, params)


def _export(
    kind: str, model: nn.Module, params: dict[str, Any]
) -> tuple[onnx.ModelProto, CheckReport]:
    height, width, seed, tolerance = _validated(params)
    spec = SPEC_BUILDERS[kind](model, name=kind)
    sizes = check_sizes(height, width)
    onnx_model = export_to_onnx(spec, sizes[0], seed=seed)
    result = check_onnx_equivalence(spec, onnx_model, sizes, seed=seed, tolerance=tolerance)
    return onnx_model, result.to_dict()


#: The ``export`` parameters.
EXPORT_KEYS = ("height", "width", "seed", "tolerance")


def _validated(params: dict[str, Any]) -> tuple[int, int, int, float]:
    check_known_keys(params, EXPORT_KEYS, "export parameters")
    for key in ("height", "width"):
        if not isinstance(params.get(key), int) or params[key] <= 0:
            raise ValueError(f"export.{key} must be a positive integer, got {params.get(key)!r}")
    if not isinstance(params.get("seed"), int):
        raise ValueError(f"export.seed must be an integer, got {params.get('seed')!r}")
    tolerance = params.get("tolerance")
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or tolerance <= 0:
        raise ValueError(f"export.tolerance must be a positive number, got {tolerance!r}")
    return params["height"], params["width"], params["seed"], float(tolerance)


def report_export(
    **checks: CheckReport,
) -> tuple[dict[str, Any], dict[str, list[dict[str, float]]]]:
    """Gather the per-network check results.

    Args:
        **checks: Check results by network name.

    Returns:
        The JSON report (opset and every network's results) and the MLflow metrics
        ``<network>.max_abs_diff`` / ``<network>.reference_max_abs``.
    """
    report = {"opset": ONNX_OPSET, "networks": checks}
    metrics = {
        f"{name}.{key}": [{"value": check[key], "step": 0}]
        for name, check in checks.items()
        for key in ("max_abs_diff", "reference_max_abs")
    }
    return report, metrics
