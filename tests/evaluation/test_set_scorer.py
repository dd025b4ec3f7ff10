"""Scoring a set needs every method's map: maps made before the baselines existed are named."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from synboost_kedro.evaluation import ScoringConfig, SetScorer
from synboost_kedro.models.dissimilarity import (
    DissimilarityConfig,
    DissimilarityNet,
    create_dissimilarity_model,
)
from tests.conftest import make_pair, write_processed_set

#: Largest difference of a bf16 dissimilarity score from float32's at the label's size.
BF16_SCORE_TOLERANCE = 0.02


def _scores(frames, maps, precision: str) -> dict[str, dict[str, np.ndarray]]:
    torch.manual_seed(0)
    network = create_dissimilarity_model("vgg16", channel_divisor=8)
    config = ScoringConfig(height=16, width=32, batch_size=2, precision=precision)
    return dict(SetScorer(frames, maps, network, config, torch.device("cpu"))(set()))


def test_bf16_scores_stay_within_tolerance_of_float32_and_priors_are_untouched(tmp_path):
    frames, maps = (dataset.load() for dataset in write_processed_set(tmp_path, "val", 3))

    fp32 = _scores(frames, maps, "fp32")
    bf16 = _scores(frames, maps, "bf16")

    assert fp32.keys() == bf16.keys()
    for frame_id, expected in fp32.items():
        for method in ("entropy", "distance", "perceptual"):
            assert np.array_equal(bf16[frame_id][method], expected[method])
        dissimilarity = bf16[frame_id]["dissimilarity"]
        assert dissimilarity.dtype == np.float32
        assert 0 < np.abs(dissimilarity - expected["dissimilarity"]).max() <= BF16_SCORE_TOLERANCE


def test_an_unknown_precision_names_the_parameter():
    with pytest.raises(ValueError, match="evaluation.precision must be one of"):
        ScoringConfig(height=16, width=32, precision="tf32")


def test_maps_without_the_logit_baselines_are_refused_naming_frame_and_map():
    frame, maps = make_pair("f0", 16, 32, seed=0)
    old_maps = dataclasses.replace(maps, max_softmax=None)
    model = DissimilarityNet(DissimilarityConfig.preset("ours")).eval()
    scorer = SetScorer(
        {"f0": lambda: frame},
        {"f0": lambda: old_maps},
        model,
        ScoringConfig(16, 32),
        torch.device("cpu"),
    )

    with pytest.raises(ValueError, match="'f0' has no 'max_softmax' map.*uncertainty_maps"):
        list(scorer(set()))
