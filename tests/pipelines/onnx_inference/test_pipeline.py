"""``onnx_inference`` end to end in a generated project: the ``export`` pipeline's files give the
torch ``inference`` pipeline's maps; and the parameters it cannot honour."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from synboost_kedro.pipelines.onnx_inference import create_pipeline
from synboost_kedro.pipelines.onnx_inference.nodes import assemble_onnx_detector
from tests.conftest import assert_anomaly_maps_match, run_kedro, street_image
from tests.pipelines.conftest import FUSION_WEIGHTS, MAP_PARAMS, TINY_NETWORK_PARAMS

SIZES = {"wide": (40, 72), "tall": (50, 30)}
INFERENCE = {"batch_size": 2, "max_pixels": 100_000, "onnx_threads": 1}


def test_pipeline_reads_the_exported_networks_and_writes_the_maps():
    pipeline = create_pipeline()
    assert pipeline.inputs() == {
        "segmentation_onnx",
        "synthesis_onnx",
        "dissimilarity_onnx",
        "inference_images",
        "params:uncertainty_maps",
        "fusion_weights",
        "params:inference",
    }
    assert pipeline.outputs() == {"onnx_inference_outputs"}


def test_onnx_maps_match_the_torch_pipelines(project_with_models: Path):  # noqa: F811
    folder = project_with_models / "my_images"
    folder.mkdir()
    for seed, (name, size) in enumerate(SIZES.items()):
        Image.fromarray(street_image(*size, seed=seed)).save(folder / f"{name}.png")
    params = {**TINY_NETWORK_PARAMS, "inference.input_dir": str(folder)}

    run_kedro(project_with_models, "export", {"export.height": 16, "export.width": 32})
    run_kedro(project_with_models, "inference", params)
    run_kedro(project_with_models, "onnx_inference", {**params, "inference.onnx_threads": 1})

    outputs = project_with_models / "data" / "07_model_output"
    for name, size in SIZES.items():
        onnx_scores = np.load(outputs / "inference_onnx" / "anomaly" / f"{name}.npy")
        torch_scores = np.load(outputs / "inference" / "anomaly" / f"{name}.npy")
        assert onnx_scores.shape == size
        assert_anomaly_maps_match(onnx_scores, torch_scores)
        for kind in ("semantic", "synthesis", "overlay"):
            assert (outputs / "inference_onnx" / kind / f"{name}.png").is_file()


SEEDED_MAPS = {**MAP_PARAMS, "synthesis": {**MAP_PARAMS["synthesis"], "style_seed": 3}}


@pytest.mark.parametrize(
    ("map_params", "params", "message"),
    [
        (SEEDED_MAPS, INFERENCE, "style_seed must be null for onnx_inference, got 3"),
        (MAP_PARAMS, {**INFERENCE, "onnx_threads": 0}, "onnx_threads must be .* got 0"),
        (MAP_PARAMS, {**INFERENCE, "onnx_threads": True}, "onnx_threads must be .* got True"),
    ],
)
def test_parameters_it_cannot_honour_are_named(map_params: dict, params: dict, message: str):
    with pytest.raises(ValueError, match=message):
        assemble_onnx_detector(
            None, None, None, FUSION_WEIGHTS, map_params=map_params, params=params
        )
