import copy

import pytest
from kedro.config import OmegaConfigLoader

from synboost_kedro.pipelines.parameters import check_parameters
from synboost_kedro.settings import CONFIG_LOADER_ARGS
from tests.conftest import PROJECT_ROOT


@pytest.fixture(scope="module")
def base_parameters() -> dict:
    arguments = {**CONFIG_LOADER_ARGS, "default_run_env": "local"}
    return OmegaConfigLoader(str(PROJECT_ROOT / "conf"), **arguments)["parameters"]


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        (("reference_segmentation", "training"), "reference_segmentation.training.precision"),
        (("reference_synthesis", "training"), "reference_synthesis.training.precision"),
        (("uncertainty_maps",), "uncertainty_maps.precision"),
        (("dissimilarity_training",), "dissimilarity_training.precision"),
        (("evaluation",), "evaluation.precision"),
        (("inference",), "inference.precision"),
    ],
)
def test_every_precision_is_checked_before_the_run(base_parameters, path, parameter):
    params = copy.deepcopy(base_parameters)
    section = params
    for key in path:
        section = section[key]
    section["precision"] = "bf61"

    with pytest.raises(ValueError, match=rf"{parameter} must be one of \['fp32'"):
        check_parameters(params)
