"""SynBoost dissimilarity network: model, configuration, original checkpoints, input helpers."""

from synboost_kedro.models.dissimilarity.config import PRESETS, DissimilarityConfig
from synboost_kedro.models.dissimilarity.inputs import (
    anomaly_probability,
    imagenet_normalise,
    random_inputs,
    semantic_one_hot,
    stack_priors,
)
from synboost_kedro.models.dissimilarity.model import DissimilarityNet
from synboost_kedro.models.dissimilarity.original import from_original_checkpoint
from synboost_kedro.models.dissimilarity.registry import (
    DISSIMILARITY_MODELS,
    create_dissimilarity_model,
)

__all__ = [
    "DISSIMILARITY_MODELS",
    "PRESETS",
    "DissimilarityConfig",
    "DissimilarityNet",
    "anomaly_probability",
    "create_dissimilarity_model",
    "from_original_checkpoint",
    "imagenet_normalise",
    "random_inputs",
    "semantic_one_hot",
    "stack_priors",
]
