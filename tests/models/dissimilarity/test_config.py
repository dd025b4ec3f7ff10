"""DissimilarityConfig: presets and validation of the original constructor options."""

from __future__ import annotations

import pytest

from synboost_kedro.models.dissimilarity import DissimilarityConfig


def test_presets_match_the_original_configs():
    ours, baseline = DissimilarityConfig.preset("ours"), DissimilarityConfig.preset("baseline")
    assert (ours.architecture, ours.semantic, ours.correlation, ours.prior, ours.spade) == (
        "vgg16", True, True, True, "decoder",
    )  # fmt: skip
    assert (baseline.prior, baseline.spade, baseline.has_prior_encoder) == (False, "", False)


def test_spade_placement_flags():
    both = DissimilarityConfig(spade="both")
    assert both.spade_encoder and both.spade_decoder
    assert not DissimilarityConfig(spade="").spade_decoder


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"architecture": "resnet18"}, "architecture must be one of"),
        ({"spade": "middle"}, "spade must be one of"),
        ({"num_semantic_classes": 0}, "num_semantic_classes must be positive"),
        ({"semantic": False}, "prior=True requires semantic=True"),
        ({"unused_prior_encoder": True}, "unused_prior_encoder only applies"),
    ],
)
def test_invalid_options_are_explained(options, message):
    with pytest.raises(ValueError, match=message):
        DissimilarityConfig(**options)


def test_unknown_keys_are_rejected():
    with pytest.raises(ValueError, match=r"Unknown dissimilarity options: 'pretrained'"):
        DissimilarityConfig.from_dict({"pretrained": True})


def test_unknown_preset():
    with pytest.raises(ValueError, match="choose one of"):
        DissimilarityConfig.preset("best")


def test_dict_round_trip():
    config = DissimilarityConfig(architecture="vgg16_bn", spade="encoder")
    assert DissimilarityConfig.from_dict(config.to_dict()) == config
