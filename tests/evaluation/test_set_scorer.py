"""Scoring a set needs every method's map: maps made before the baselines existed are named."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from synboost_kedro.evaluation import ScoringConfig, SetScorer
from synboost_kedro.models.dissimilarity import DissimilarityConfig, DissimilarityNet
from tests.conftest import make_pair


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
