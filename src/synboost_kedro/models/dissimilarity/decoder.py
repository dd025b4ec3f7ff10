"""Building blocks of the dissimilarity U-decoder (SELU activations throughout)."""

from __future__ import annotations

import torch
from torch import nn

from synboost_kedro.models.dissimilarity.spade import HIDDEN_CHANNELS, SpadeDecoderBlock


class ConvSelu(nn.Sequential):
    """conv3×3 + SELU; as a ``Sequential`` its keys are ``0.weight``/``0.bias``, as originally."""

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1), nn.SELU())


class PlainRefinementBlock(ConvSelu):
    """conv3×3 + SELU taking (and ignoring) the semantic map, interchangeable with SPADE."""

    def __init__(self, channels: int):
        super().__init__(channels, channels)

    def forward(self, features: torch.Tensor, semantic: torch.Tensor) -> torch.Tensor:  # noqa: ARG002
        """Refine ``features``; ``semantic`` is unused."""
        return super().forward(features)


def refinement_block(
    channels: int, label_channels: int, spade: bool, spade_hidden: int = HIDDEN_CHANNELS
) -> nn.Module:
    """The block after each decoder conv, SPADE or plain, called as ``block(x, semantic)``."""
    if spade:
        return SpadeDecoderBlock(channels, label_channels, spade_hidden)
    return PlainRefinementBlock(channels)


def upsample2x(channels: int) -> nn.ConvTranspose2d:
    """Learned ×2 upsampling (2×2 transposed convolution, stride 2)."""
    return nn.ConvTranspose2d(channels, channels, kernel_size=2, stride=2)


def reduction(in_channels: int, out_channels: int) -> nn.Conv2d:
    """1×1 convolution reducing the fused encoder features of one level."""
    return nn.Conv2d(in_channels, out_channels, kernel_size=1)
