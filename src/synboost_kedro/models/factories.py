"""The three kinds of network and their factories: every saved network is rebuilt through them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from torch import nn

from synboost_kedro.models.dissimilarity.registry import create_dissimilarity_model
from synboost_kedro.models.segmentation import create_segmentation_model
from synboost_kedro.models.synthesis import create_synthesis_model

MODEL_FACTORIES: dict[str, Callable[..., nn.Module]] = {
    "segmentation": create_segmentation_model,
    "synthesis": create_synthesis_model,
    "dissimilarity": create_dissimilarity_model,
}


def create_model(kind: str, architecture: str, **options: Any) -> nn.Module:
    """Build a ``kind`` network (a key of :data:`MODEL_FACTORIES`) with its build config attached.

    Raises:
        ValueError: ``kind`` is unknown; the message lists the known ones.
    """
    if kind not in MODEL_FACTORIES:
        raise ValueError(
            f"Unknown network kind '{kind}'; expected one of {sorted(MODEL_FACTORIES)}"
        )
    return MODEL_FACTORIES[kind](architecture, **options)
