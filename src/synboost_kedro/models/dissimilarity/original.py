"""Loading the released SynBoost dissimilarity networks (``best_net_*.pth``)."""

from __future__ import annotations

import os
from typing import Any

from synboost_kedro.models.checkpoints import load_strictly, read_state_dict
from synboost_kedro.models.dissimilarity.config import DissimilarityConfig
from synboost_kedro.models.dissimilarity.model import DissimilarityNet
from synboost_kedro.models.release_files import RELEASE_HOW_TO_GET


def from_original_checkpoint(
    path: str | os.PathLike,
    variant: str | DissimilarityConfig | dict[str, Any] = "ours",
) -> DissimilarityNet:
    """Build the network of an original checkpoint (e.g. ``best_net_baseline_mult_3.pth``).

    Args:
        path: A bare state dict or a ``{'state_dict': ...}`` container, with or without
            ``DataParallel``'s ``module.`` prefixes.
        variant: ``"ours"``, ``"baseline"`` or the architecture options of the file.

    Raises:
        MissingWeightsError: ``path`` does not exist.
        UnsafeCheckpointError: the file needs more than tensors to unpickle.
        CheckpointMismatchError: the file does not fit the variant; every offending key named.
    """
    config = DissimilarityConfig.preset(variant) if isinstance(variant, str) else variant
    network = DissimilarityNet.from_config(config)
    state_dict = read_state_dict(path, "SynBoost dissimilarity network", RELEASE_HOW_TO_GET)
    load_strictly(network, state_dict, str(path))
    return network.eval()
