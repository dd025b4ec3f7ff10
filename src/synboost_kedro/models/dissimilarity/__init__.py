"""SynBoost dissimilarity network (spec §3): model, configuration, checkpoints, input helpers."""

from synboost_kedro.models.dissimilarity.checkpoint import (
    load_original_state_dict,
    unwrap_state_dict,
)
from synboost_kedro.models.dissimilarity.config import PRESETS, DissimilarityConfig
from synboost_kedro.models.dissimilarity.frozen import FrozenDissimilarityNet
from synboost_kedro.models.dissimilarity.inputs import (
    anomaly_probability,
    fuse_with_entropy,
    imagenet_normalise,
    random_inputs,
    semantic_one_hot,
    stack_priors,
)
from synboost_kedro.models.dissimilarity.model import DissimilarityNet

__all__ = [
    "PRESETS",
    "DissimilarityConfig",
    "DissimilarityNet",
    "FrozenDissimilarityNet",
    "anomaly_probability",
    "fuse_with_entropy",
    "imagenet_normalise",
    "load_original_state_dict",
    "random_inputs",
    "semantic_one_hot",
    "stack_priors",
    "unwrap_state_dict",
]
