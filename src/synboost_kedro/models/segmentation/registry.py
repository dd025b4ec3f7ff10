"""The registry of segmentation architectures, so configuration picks one by name.

Contract every registered segmentation model follows: ``forward(image)`` takes an
ImageNet-normalised ``[B, 3, H, W]`` float image and returns ``[B, 19, H, W]`` logits over the
Cityscapes train ids, at the input resolution.
"""

from __future__ import annotations

from typing import Any

from torch import nn

from synboost_kedro.models.build_config import attach_build_config
from synboost_kedro.models.registry import Registry

SEGMENTATION_MODELS = Registry("segmentation")


def create_segmentation_model(architecture: str, **options: Any) -> nn.Module:
    """Build the segmentation network registered as ``architecture`` with ``options``.

    The network remembers how it was built (``build_config``), so it can be saved and rebuilt.
    """
    model = SEGMENTATION_MODELS.create(architecture, **options)
    return attach_build_config(model, "segmentation", architecture, options)
