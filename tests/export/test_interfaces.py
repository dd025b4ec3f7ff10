"""ONNX equivalence (ONNX Runtime vs torch, max |diff| <= 1e-4) of every network architecture.

Each network is exported at a tiny size and checked at batch 1 and at batch 2 with height and
width swapped (batch only for CC-FPSE, whose size is fixed). The original 137M/128M-parameter
networks take about a minute each on a loaded 2-core machine, hence ``slow``.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from synboost_kedro.export import (
    DEFAULT_TOLERANCE,
    OnnxExportSpec,
    check_onnx_equivalence,
    check_sizes,
    dissimilarity_spec,
    export_to_onnx,
    perceptual_spec,
    segmentation_spec,
    synthesis_spec,
)
from synboost_kedro.models.dissimilarity import DissimilarityConfig, DissimilarityNet
from synboost_kedro.models.perceptual import PerceptualDifference
from synboost_kedro.models.segmentation import SEGMENTATION_MODELS, create_segmentation_model
from synboost_kedro.models.synthesis import create_synthesis_model

ORIGINAL_SEGMENTATION = "wrn38_deeplabv3plus"
COMPACT_SEGMENTATION = sorted(set(SEGMENTATION_MODELS.names) - {ORIGINAL_SEGMENTATION})


def _graph_inputs(spec: OnnxExportSpec, height: int, width: int) -> list[str]:
    """Export, check equivalence and return the graph's input names."""
    sizes = check_sizes(height, width)
    exported = export_to_onnx(spec, sizes[0])
    result = check_onnx_equivalence(spec, exported, sizes)
    assert result.max_abs_diff <= DEFAULT_TOLERANCE
    assert result.reference_max_abs > 0  # the comparison is not between two zero maps
    assert len(result.checked_inputs) == 2
    return [value.name for value in exported.graph.input]


def _seeded(build, *args, **kwargs) -> nn.Module:
    torch.manual_seed(0)
    return build(*args, **kwargs).eval()


@pytest.mark.parametrize("architecture", COMPACT_SEGMENTATION)
def test_segmentation_networks_export_with_dynamic_size(architecture: str):
    spec = segmentation_spec(_seeded(create_segmentation_model, architecture))
    assert _graph_inputs(spec, 32, 64) == ["image"]


@pytest.mark.slow
def test_original_wrn38_deeplabv3plus_exports():
    spec = segmentation_spec(_seeded(create_segmentation_model, ORIGINAL_SEGMENTATION))
    assert _graph_inputs(spec, 32, 64) == ["image"]


@pytest.mark.parametrize("options", [{}, {"noise_channels": 2, "num_up_layers": 3}])
def test_compact_synthesis_exports_labels_to_image(options: dict):
    narrow = {"base_channels": 4, "hidden_channels": 8}  # the same operators, a quicker export
    spec = synthesis_spec(_seeded(create_synthesis_model, "spade_compact", **narrow, **options))
    assert _graph_inputs(spec, 32, 64) == ["label_ids", "instance_ids"]


@pytest.mark.slow
def test_original_ccfpse_encoder_and_generator_export_at_a_fixed_size():
    # crop_size 128 is the smallest whose latent grid is not empty: output 64×128.
    model = _seeded(create_synthesis_model, "ccfpse", crop_size=128)
    spec = synthesis_spec(model)
    assert [tensor.shape for tensor in spec.inputs] == [
        ("batch", 64, 128),
        ("batch", 64, 128),
        ("batch", 3, 64, 128),
    ]
    # The image reaches the output only through the VAE encoder's style code.
    assert _graph_inputs(spec, 64, 128) == ["label_ids", "instance_ids", "image"]


@pytest.mark.parametrize("preset", ["ours", "baseline"])
def test_dissimilarity_presets_export(preset: str):
    torch.manual_seed(0)
    model = DissimilarityNet(DissimilarityConfig.preset(preset)).eval()
    priors = ["entropy", "mae", "distance"] if preset == "ours" else []
    assert _graph_inputs(dissimilarity_spec(model), 16, 32) == [
        "image",
        "synthesis",
        "semantic",
        *priors,
    ]


def test_perceptual_difference_exports_with_dynamic_size():
    spec = perceptual_spec(PerceptualDifference(seed=0))
    assert _graph_inputs(spec, 32, 64) == ["image", "synthesis"]
