"""Nodes of the export pipeline: parameter validation and the report."""

from __future__ import annotations

import pytest
import torch

from synboost_kedro.export import ONNX_OPSET, OnnxEquivalenceError
from synboost_kedro.models.segmentation import create_segmentation_model
from synboost_kedro.pipelines.export.nodes import export_segmentation, report_export

PARAMS = {"height": 16, "width": 32, "seed": 0, "tolerance": 1e-4}


@pytest.fixture(scope="module")
def segmentation():
    torch.manual_seed(0)
    return create_segmentation_model(
        "compact_deeplab", stage_channels=(4, 4, 8), decoder_channels=4, skip_channels=4
    )


def test_export_returns_the_model_and_its_check(segmentation):
    onnx_model, check = export_segmentation(segmentation, PARAMS)
    assert [value.name for value in onnx_model.graph.input] == ["image"]
    assert check["network"] == "segmentation"
    assert check["max_abs_diff"] <= 1e-4
    assert check["checked_inputs"][1] == {"image": [2, 3, 32, 16]}


def test_a_tolerance_below_float_rounding_fails_naming_the_network(segmentation):
    with pytest.raises(OnnxEquivalenceError, match="'segmentation' output 'logits' differs"):
        export_segmentation(segmentation, {**PARAMS, "tolerance": 1e-30})


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("height", 0, "export.height must be a positive integer"),
        ("width", "512", "export.width must be a positive integer"),
        ("seed", 0.5, "export.seed must be an integer"),
        ("tolerance", -1.0, "export.tolerance must be a positive number"),
        ("tolerance", True, "export.tolerance must be a positive number"),
    ],
)
def test_bad_parameters_are_named(segmentation, key, value, message):
    with pytest.raises(ValueError, match=message):
        export_segmentation(segmentation, {**PARAMS, key: value})


def test_report_gathers_checks_and_metrics():
    checks = {
        name: {"network": name, "max_abs_diff": diff, "reference_max_abs": 2.0}
        for name, diff in (("segmentation", 1e-6), ("dissimilarity", 3e-6))
    }
    report, metrics = report_export(**checks)
    assert report == {"opset": ONNX_OPSET, "networks": checks}
    assert metrics == {
        "segmentation.max_abs_diff": [{"value": 1e-6, "step": 0}],
        "segmentation.reference_max_abs": [{"value": 2.0, "step": 0}],
        "dissimilarity.max_abs_diff": [{"value": 3e-6, "step": 0}],
        "dissimilarity.reference_max_abs": [{"value": 2.0, "step": 0}],
    }
