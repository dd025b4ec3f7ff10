"""Every parameters section checked before a run starts.

Each node checks its own section when it runs; checked here too, a typo in ``--params`` fails
within a second of ``kedro run``, naming the key and the closest valid one, instead of after
the hours of training that come before the node that reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from synboost_kedro.pipelines.ablation.nodes import NETWORKS, variant_training_params
from synboost_kedro.pipelines.data_preparation.nodes import swap_settings
from synboost_kedro.pipelines.dissimilarity_training.nodes import training_config
from synboost_kedro.pipelines.evaluation.nodes import PARAMETER_KEYS as EVALUATION_KEYS
from synboost_kedro.pipelines.export.nodes import EXPORT_KEYS
from synboost_kedro.pipelines.inference.nodes import INFERENCE_KEYS
from synboost_kedro.pipelines.pretrained_weights.nodes import HED_VGG16_KEYS
from synboost_kedro.pipelines.reference_models.nodes import (
    EXAMPLE_KEYS,
    selected_model,
)
from synboost_kedro.pipelines.reference_models.nodes import (
    PARAMETER_KEYS as REFERENCE_KEYS,
)
from synboost_kedro.pipelines.synthetic_data.nodes import PARAMETER_KEYS as SYNTHETIC_KEYS
from synboost_kedro.training.reference_training import reference_precision
from synboost_kedro.uncertainty import MapConfig, SynthesisLabels
from synboost_kedro.utils.precision import DEFAULT_PRECISION, check_precision
from synboost_kedro.utils.strict_fields import check_known_keys

Parameters = Mapping[str, Any]


def _reference(kind: str) -> Callable[[Parameters], None]:
    def check(params: Parameters) -> None:
        section = params[f"reference_{kind}"]
        check_known_keys(section, REFERENCE_KEYS[kind], f"reference_{kind} parameters")
        selected_model(kind, section["model"])
        reference_precision(section.get("training") or {}, kind)

    return check


def _pretrained_weights(section: Parameters) -> None:
    check_known_keys(section, ("hed_vgg16",), "pretrained_weights parameters")
    hed = section.get("hed_vgg16") or {}
    check_known_keys(hed, HED_VGG16_KEYS, "pretrained_weights.hed_vgg16 parameters")


def _ablation(params: Parameters) -> None:
    for network in NETWORKS:
        recipe = variant_training_params(
            params["dissimilarity_training"], params["ablation"], network=network
        )
        training_config(recipe, params["uncertainty_maps"]["perceptual"])


def _keys(section: str, keys: tuple[str, ...]) -> Callable[[Parameters], None]:
    return lambda params: check_known_keys(params[section], keys, f"{section} parameters")


def _keys_and_precision(section: str, keys: tuple[str, ...]) -> Callable[[Parameters], None]:
    def check(params: Parameters) -> None:
        _keys(section, keys)(params)
        precision = params[section].get("precision", DEFAULT_PRECISION)
        check_precision(precision, f"{section}.precision")

    return check


#: The check of each top-level section, by name.
SECTION_CHECKS: dict[str, Callable[[Parameters], None]] = {
    "synthetic_data": _keys("synthetic_data", SYNTHETIC_KEYS),
    "pretrained_weights": lambda params: _pretrained_weights(params["pretrained_weights"]),
    "data_preparation": lambda params: swap_settings(params["data_preparation"]),
    "reference_segmentation": _reference("segmentation"),
    "reference_synthesis": _reference("synthesis"),
    "reference_example": _keys("reference_example", EXAMPLE_KEYS),
    "uncertainty_maps": lambda params: MapConfig.from_params(
        params["uncertainty_maps"], SynthesisLabels.PREDICTION
    ),
    "dissimilarity_training": lambda params: training_config(
        params["dissimilarity_training"], params["uncertainty_maps"]["perceptual"]
    ),
    "evaluation": _keys_and_precision("evaluation", EVALUATION_KEYS),
    "inference": _keys_and_precision("inference", INFERENCE_KEYS),
    "export": _keys("export", EXPORT_KEYS),
    "ablation": _ablation,
}


def check_parameters(params: Parameters) -> None:
    """Check the project's parameters: known sections only, each valid.

    Raises:
        ValueError: a section or key is unknown, or a value is invalid; the message names it.
    """
    check_known_keys(params, tuple(SECTION_CHECKS), "parameters")
    for section, check in SECTION_CHECKS.items():
        if section in params:
            check(params)
