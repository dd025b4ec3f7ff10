"""Kedro-free evaluation: per-frame scores of every method, their fusion, and report artefacts."""

from synboost_kedro.evaluation.fusion import (
    FUSION_METHOD,
    FusionWeights,
    fuse_scores,
    search_fusion_weights,
)
from synboost_kedro.evaluation.scoring import BASE_METHODS, ScoringConfig, SetScorer

__all__ = [
    "BASE_METHODS",
    "FUSION_METHOD",
    "FusionWeights",
    "ScoringConfig",
    "SetScorer",
    "fuse_scores",
    "search_fusion_weights",
]
