"""The registry of dissimilarity architectures (the VGG trunk), so configuration picks one by name.

Every network made here or by ``DissimilarityNet(config)`` carries its build config, so it can be
saved in the one model-file format and rebuilt.
"""

from __future__ import annotations

import os
from typing import Any

from synboost_kedro.models.dissimilarity.model import DissimilarityNet
from synboost_kedro.models.registry import Registry

DISSIMILARITY_MODELS = Registry("dissimilarity")


def _builder(architecture: str):
    def build(
        vgg_weights_path: str | os.PathLike | None = None, **options: Any
    ) -> DissimilarityNet:
        return DissimilarityNet.from_config(
            {"architecture": architecture, **options}, vgg_weights_path=vgg_weights_path
        )

    return build


for _architecture in ("vgg16", "vgg16_bn"):
    DISSIMILARITY_MODELS.register(_architecture)(_builder(_architecture))


def create_dissimilarity_model(architecture: str = "vgg16", **options: Any) -> DissimilarityNet:
    """Build the dissimilarity network with VGG trunk ``architecture`` and ``options``.

    Args:
        architecture: ``"vgg16"`` or ``"vgg16_bn"``.
        **options: ``vgg_weights_path`` (local ImageNet weights of the trunk; it only
            initialises training, so it is not recorded) and the other
            :class:`DissimilarityConfig` fields (``prior``, ``spade``, ...).
    """
    return DISSIMILARITY_MODELS.create(architecture, **options)
