"""Every environment's parameters and benchmarks, merged as Kedro merges them, pass every
section's validation."""

from __future__ import annotations

import pytest
from kedro.config import OmegaConfigLoader

from synboost_kedro.pipelines.inference.nodes import inference_settings
from synboost_kedro.pipelines.parameters import SECTION_CHECKS, check_parameters
from synboost_kedro.pipelines.sets import load_benchmarks
from synboost_kedro.settings import CONFIG_LOADER_ARGS
from tests.conftest import PROJECT_ROOT


def _loader(env: str) -> OmegaConfigLoader:
    arguments = {**CONFIG_LOADER_ARGS, "default_run_env": env}
    return OmegaConfigLoader(str(PROJECT_ROOT / "conf"), **arguments)


def _parameters(env: str) -> dict:
    return _loader(env)["parameters"]


@pytest.mark.parametrize("env", ["local", "cityscapes"])
def test_every_section_of_every_environment_is_valid(env: str):
    params = _parameters(env)

    assert set(params) == set(SECTION_CHECKS)
    check_parameters(params)
    fusion_weights = params["evaluation"]["fusion"]["weights"]
    inference_settings(params["uncertainty_maps"], fusion_weights, params["inference"])


def test_an_environment_changes_only_what_it_lists():
    base, cityscapes = _parameters("local"), _parameters("cityscapes")

    # Listed in conf/cityscapes: changed.
    assert cityscapes["dissimilarity_training"]["epochs"] == 50
    assert cityscapes["uncertainty_maps"]["perceptual"]["architecture"] == "vgg19"
    # Not listed: inherited from the base, key by key inside a section.
    assert (
        cityscapes["uncertainty_maps"]["normalisation"] == base["uncertainty_maps"]["normalisation"]
    )
    assert (
        cityscapes["dissimilarity_training"]["distributed"]
        == (base["dissimilarity_training"]["distributed"])
    )
    assert cityscapes["data_preparation"] == base["data_preparation"]
    # The paper's network: full width, no prior path, no weight average.
    assert cityscapes["dissimilarity_training"]["architecture"] == {
        "channel_divisor": 1,
        "prior_skip": False,
    }
    assert cityscapes["dissimilarity_training"]["ema_decay"] is None


@pytest.mark.parametrize("env", ["local", "cityscapes"])
def test_every_environment_has_valid_benchmarks(env: str):
    benchmarks = load_benchmarks(_loader(env))

    assert [benchmark.name for benchmark in benchmarks][:3] == [
        "fs_lost_and_found",
        "smiyc_road_anomaly",
        "photo_objects",
    ]
