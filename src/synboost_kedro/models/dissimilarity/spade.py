"""SPADE: instance normalisation modulated by the semantic map (Park et al., CVPR 2019)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

HIDDEN_CHANNELS = 128


class Spade(nn.Module):
    """``IN(x) · (1 + γ(s)) + β(s)``, γ and β from the NEAREST-resized semantic map ``s``.

    Args:
        channels: Channels of the normalised activations.
        label_channels: Channels of the semantic map.
    """

    def __init__(self, channels: int, label_channels: int):
        super().__init__()
        self.param_free_norm = nn.InstanceNorm2d(channels, affine=False)
        self.shared = nn.Sequential(
            nn.Conv2d(label_channels, HIDDEN_CHANNELS, kernel_size=3, padding=1), nn.ReLU()
        )
        self.gamma = nn.Conv2d(HIDDEN_CHANNELS, channels, kernel_size=3, padding=1)
        self.beta = nn.Conv2d(HIDDEN_CHANNELS, channels, kernel_size=3, padding=1)

    def forward(self, features: torch.Tensor, semantic: torch.Tensor) -> torch.Tensor:
        """Normalise ``features`` ``[B,C,h,w]`` conditioned on ``semantic`` ``[B,L,H,W]``."""
        if semantic.shape[-2:] != features.shape[-2:]:
            semantic = F.interpolate(semantic, size=features.shape[-2:], mode="nearest")
        hidden = self.shared(semantic)
        return torch.addcmul(
            self.beta(hidden), self.param_free_norm(features), 1 + self.gamma(hidden)
        )


class SpadeDecoderBlock(nn.Module):
    """SPADE → SELU → conv3×3 → SPADE → SELU, keeping the channel count.

    The attribute names ``norm1``, ``conv``, ``norm2`` are the original ``SPADEDecoderLayer``'s.
    """

    def __init__(self, channels: int, label_channels: int):
        super().__init__()
        self.norm1 = Spade(channels, label_channels)
        self.conv = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.norm2 = Spade(channels, label_channels)

    def forward(self, features: torch.Tensor, semantic: torch.Tensor) -> torch.Tensor:
        """Refine ``features`` ``[B,C,h,w]`` conditioned on ``semantic`` ``[B,L,H,W]``."""
        features = F.selu(self.norm1(features, semantic))
        features = self.conv(features)
        return F.selu(self.norm2(features, semantic))
