"""From a frame and its uncertainty maps to anomaly scores, shared by training, evaluation and
inference: network inputs, the dissimilarity network's probability, resizing and fusion."""

from synboost_kedro.scoring.samples import (
    INPUT_KEYS,
    SEMANTIC_SOURCES,
    FrameLoader,
    Sample,
    SemanticSource,
    network_outputs,
    pair_frames,
    prepare_sample,
    resize_nearest,
)
from synboost_kedro.scoring.scores import (
    FUSABLE_METHODS,
    ORIGINAL_FUSION_WEIGHTS,
    FusionWeights,
    dissimilarity_probabilities,
    fuse_scores,
    resize_scores,
)

__all__ = [
    "FUSABLE_METHODS",
    "INPUT_KEYS",
    "ORIGINAL_FUSION_WEIGHTS",
    "SEMANTIC_SOURCES",
    "FrameLoader",
    "FusionWeights",
    "Sample",
    "SemanticSource",
    "dissimilarity_probabilities",
    "fuse_scores",
    "network_outputs",
    "pair_frames",
    "prepare_sample",
    "resize_nearest",
    "resize_scores",
]
