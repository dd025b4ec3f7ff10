"""Kedro-free evaluation: per-frame scores of every method, their fusion, and report artefacts."""

from synboost_kedro.evaluation.fusion import FUSION_METHOD, search_fusion_weights, with_fusion
from synboost_kedro.evaluation.set_metrics import METHODS, TRACKS, measure_scored_set
from synboost_kedro.evaluation.set_scorer import BASE_METHODS, ScoringConfig, SetScorer

__all__ = [
    "BASE_METHODS",
    "FUSION_METHOD",
    "METHODS",
    "ScoringConfig",
    "SetScorer",
    "TRACKS",
    "measure_scored_set",
    "search_fusion_weights",
    "with_fusion",
]
