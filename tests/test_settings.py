"""Every environment's parameters, merged as Kedro merges them, pass every section's validation."""

from __future__ import annotations

import pytest
from kedro.config import OmegaConfigLoader

from synboost_kedro.pipelines.data_preparation.nodes import swap_settings
from synboost_kedro.pipelines.dissimilarity_training.nodes import training_config
from synboost_kedro.pipelines.evaluation.nodes import PARAMETER_KEYS as EVALUATION_KEYS
from synboost_kedro.pipelines.inference.nodes import inference_settings
from synboost_kedro.pipelines.reference_models.nodes import PARAMETER_KEYS, selected_model
from synboost_kedro.pipelines.synthetic_data.nodes import PARAMETER_KEYS as SYNTHETIC_KEYS
from synboost_kedro.settings import CONFIG_LOADER_ARGS
from synboost_kedro.uncertainty import MapConfig
from synboost_kedro.utils.strict_fields import check_known_keys
from tests.conftest import PROJECT_ROOT


def _parameters(env: str) -> dict:
    arguments = {**CONFIG_LOADER_ARGS, "default_run_env": env}
    return OmegaConfigLoader(str(PROJECT_ROOT / "conf"), **arguments)["parameters"]


@pytest.mark.parametrize("env", ["local", "cityscapes"])
def test_every_section_of_every_environment_is_valid(env: str):
    params = _parameters(env)

    check_known_keys(params["synthetic_data"], SYNTHETIC_KEYS, "synthetic_data")
    swap_settings(params["data_preparation"])
    for kind in ("segmentation", "synthesis"):
        section = params[f"reference_{kind}"]
        check_known_keys(section, PARAMETER_KEYS[kind], kind)
        selected_model(kind, section["model"])
    MapConfig.from_params(params["uncertainty_maps"], "prediction")
    training_config(params["dissimilarity_training"], params["uncertainty_maps"]["perceptual"])
    check_known_keys(params["evaluation"], EVALUATION_KEYS, "evaluation")
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
