"""Building a dissimilarity network by name, recording how, so a saved state dict can be rebuilt."""

from __future__ import annotations

import os
from typing import Any

from synboost_kedro.models.build_config import attach_build_config
from synboost_kedro.models.dissimilarity.model import DissimilarityNet

KIND = "dissimilarity"


def create_dissimilarity_model(
    architecture: str = "vgg16",
    vgg_weights_path: str | os.PathLike | None = None,
    **options: Any,
) -> DissimilarityNet:
    """Build a :class:`DissimilarityNet` and attach its build config.

    ``TorchModelDataset`` saves that config beside the state dict and calls this function to
    rebuild the network. The VGG weights file only initialises training, so it is not recorded:
    loading a trained network never needs it.

    Args:
        architecture: VGG trunk, ``"vgg16"`` or ``"vgg16_bn"``.
        vgg_weights_path: Optional local ImageNet weights of the VGG trunk.
        **options: The other :class:`DissimilarityConfig` fields (``prior``, ``spade``, ...).
    """
    model = DissimilarityNet.from_config(
        {"architecture": architecture, **options}, vgg_weights_path=vgg_weights_path
    )
    return attach_build_config(model, KIND, architecture, options)
