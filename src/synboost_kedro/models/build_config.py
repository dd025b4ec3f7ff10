"""The record of how a network was built, so a saved state dict can be turned back into a module.

Every registry factory and ``DissimilarityNet`` attach it to the networks they build;
:mod:`synboost_kedro.models.model_file` saves it beside the state dict and rebuilds from it.
"""

from __future__ import annotations

from typing import Any

from torch import nn

BUILD_CONFIG_ATTRIBUTE = "build_config"


def attach_build_config(
    model: nn.Module, kind: str, architecture: str, options: dict[str, Any]
) -> nn.Module:
    """Record on ``model`` the registry ``kind``, ``architecture`` and ``options`` that built it."""
    config = {"kind": kind, "architecture": architecture, "options": dict(options)}
    setattr(model, BUILD_CONFIG_ATTRIBUTE, config)
    return model


def build_config_of(model: nn.Module) -> dict[str, Any]:
    """The build record of ``model``.

    Raises:
        ValueError: ``model`` was not built through a registry factory.
    """
    config = getattr(model, BUILD_CONFIG_ATTRIBUTE, None)
    if config is None:
        raise ValueError(
            f"{type(model).__name__} carries no build config; build it with "
            "a registry factory (create_segmentation_model, create_synthesis_model, "
            "create_dissimilarity_model) so it can be saved and rebuilt"
        )
    return config
