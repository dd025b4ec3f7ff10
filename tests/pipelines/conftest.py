"""Parameters and projects shared by the pipeline tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kedro.config import OmegaConfigLoader

from synboost_kedro.pipelines.sets import load_benchmarks
from synboost_kedro.settings import CONFIG_LOADER_ARGS
from tests.conftest import PROJECT_ROOT, write_tiny_model_files

#: The embedded demo's benchmarks, as conf/base/benchmarks.yml configures them.
BENCHMARKS = load_benchmarks(
    OmegaConfigLoader(
        str(PROJECT_ROOT / "conf"), **{**CONFIG_LOADER_ARGS, "default_run_env": "base"}
    )
)
BENCHMARK_NAMES = tuple(benchmark.name for benchmark in BENCHMARKS)

FRAME_IDS = ["testcity_000000_000019", "testcity_000001_000019", "testcity_000002_000019"]


#: Tiny uncertainty-map parameters for node tests.
MAP_PARAMS = {
    "device": "cpu",
    "batch_size": 2,
    "num_workers": 1,
    "normalisation": "original",
    "segmentation": {"height": 32, "width": 64},
    "synthesis": {"height": 16, "width": 32, "style_seed": None},
    "perceptual": {"height": 16, "width": 32, "weights": None, "seed": 0},
    "rebuild": False,
}


#: The ``synboost`` fusion weights, as the evaluation pipeline writes them.
FUSION_WEIGHTS = {"dissimilarity": 0.75, "entropy": 0.25}


TINY_NETWORK_PARAMS = {
    "uncertainty_maps.segmentation.height": 32,
    "uncertainty_maps.segmentation.width": 64,
    "uncertainty_maps.synthesis.height": 16,
    "uncertainty_maps.synthesis.width": 32,
    "uncertainty_maps.perceptual.height": 16,
    "uncertainty_maps.perceptual.width": 32,
    "inference.device": "cpu",
}


@pytest.fixture
def project_with_models(kedro_project: Path) -> Path:
    """A project holding tiny trained networks and the fusion weights an evaluation chose."""
    write_tiny_model_files(kedro_project / "data" / "06_models")
    weights = kedro_project / "data" / "08_reporting" / "fusion_weights.json"
    weights.write_text(json.dumps(FUSION_WEIGHTS))
    return kedro_project


TINY_TRAINING = {
    "uncertainty_maps.perceptual.height": 16,
    "uncertainty_maps.perceptual.width": 32,
    "dissimilarity_training.epochs": 2,
    "dissimilarity_training.batch_size": 2,
    "dissimilarity_training.device": "cpu",
}
