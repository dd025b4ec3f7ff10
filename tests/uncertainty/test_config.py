import dataclasses
import json

import pytest
import torch

from synboost_kedro.uncertainty import MapConfig, Normalisation, SynthesisLabels, resolve_device
from synboost_kedro.uncertainty.logit_baselines import MaxLogitAccumulator
from tests.uncertainty.conftest import random_logits


def _params(**overrides):
    params = {
        "device": "cpu",
        "batch_size": 4,
        "num_workers": 2,
        "normalisation": "original",
        "segmentation": {"height": 1024, "width": 2048},
        "synthesis": {"height": 256, "width": 512, "style_seed": None},
        "perceptual": {"height": 256, "width": 512},
    }
    return {**params, **overrides}


def test_parameters_become_a_config():
    config = MapConfig.from_params(_params(), "annotation")

    assert config == MapConfig(
        segmentation_size=(1024, 2048),
        synthesis_size=(256, 512),
        perceptual_size=(256, 512),
        synthesis_labels=SynthesisLabels.ANNOTATION,
        normalisation=Normalisation.ORIGINAL,
        batch_size=4,
        num_workers=2,
        device=torch.device("cpu"),
    )


def test_a_null_segmentation_size_keeps_native_sizes():
    params = _params(segmentation={"height": None, "width": None})

    assert MapConfig.from_params(params, "prediction").segmentation_size is None


@pytest.mark.parametrize(
    ("overrides", "parameter"),
    [
        ({"batch_size": 0}, "uncertainty_maps.batch_size"),
        ({"num_workers": -1}, "uncertainty_maps.num_workers"),
        ({"normalisation": "range"}, "uncertainty_maps.normalisation"),
        ({"synthesis": {"height": 256}}, "uncertainty_maps.synthesis.width"),
        ({"segmentation": {"height": 64, "width": None}}, "uncertainty_maps.segmentation.width"),
        ({"perceptual": {"height": 8, "width": 512}}, "uncertainty_maps.perceptual.height"),
        ({"synthesis": {"height": 8, "width": 8, "style_seed": "a"}}, "synthesis.style_seed"),
        ({"perceptual": None}, "uncertainty_maps.perceptual"),
        ({"device": "tpu"}, "uncertainty_maps.device"),
        ({"channels_last": "yes"}, "uncertainty_maps.channels_last"),
        ({"precision": "half"}, "uncertainty_maps.precision"),
    ],
)
def test_invalid_parameters_are_named(overrides, parameter):
    with pytest.raises(ValueError, match=parameter):
        MapConfig.from_params(_params(**overrides), "prediction")


def test_auto_device_falls_back_to_the_cpu_and_cuda_needs_a_gpu():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto").type == expected
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            resolve_device("cuda")


def test_settings_with_max_logit_statistics_survive_the_json_of_a_job():
    accumulator = MaxLogitAccumulator()
    accumulator.update(random_logits())
    config = dataclasses.replace(
        MapConfig.from_params(_params(), "prediction"),
        max_logit_statistics=accumulator.statistics(),
    )

    assert MapConfig.from_json(json.loads(json.dumps(config.to_json()))) == config


def test_precision_is_resolved_for_the_device_and_float32_by_default():
    assert MapConfig.from_params(_params(), "prediction").precision == "fp32"
    assert MapConfig.from_params(_params(precision="auto"), "prediction").precision == "fp32"
    config = MapConfig.from_params(_params(precision="bf16"), "prediction")

    assert config.precision == "bf16"
    assert MapConfig.from_json(config.to_json()) == config
