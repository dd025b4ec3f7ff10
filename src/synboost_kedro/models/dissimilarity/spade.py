"""SPADE: instance normalisation modulated by the semantic map (Park et al., CVPR 2019)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

HIDDEN_CHANNELS = 128
INSTANCE_NORM_EPS = 1e-5


def instance_normalise(features: torch.Tensor, eps: float = INSTANCE_NORM_EPS) -> torch.Tensor:
    """``InstanceNorm2d(affine=False)`` that keeps the memory format (channels_last stays)."""
    variance, mean = torch.var_mean(features, dim=(2, 3), keepdim=True, correction=0)
    return (features - mean) * torch.rsqrt(variance + eps)


class Spade(nn.Module):
    """``IN(x) · (1 + γ(s)) + β(s)``, γ and β from the NEAREST-resized semantic map ``s``.

    Args:
        channels: Channels of the normalised activations.
        label_channels: Channels of the semantic map.
    """

    def __init__(self, channels: int, label_channels: int, hidden_channels: int = HIDDEN_CHANNELS):
        super().__init__()
        self.shared = nn.Sequential(
            nn.Conv2d(label_channels, hidden_channels, kernel_size=3, padding=1), nn.ReLU()
        )
        self.gamma = nn.Conv2d(hidden_channels, channels, kernel_size=3, padding=1)
        self.beta = nn.Conv2d(hidden_channels, channels, kernel_size=3, padding=1)

    def forward(self, features: torch.Tensor, semantic: torch.Tensor) -> torch.Tensor:
        """Normalise ``features`` ``[B,C,h,w]`` conditioned on ``semantic`` ``[B,L,H,W]``."""
        if semantic.shape[-2:] != features.shape[-2:]:
            semantic = F.interpolate(semantic, size=features.shape[-2:], mode="nearest")
        hidden = self.shared(semantic)
        # γ and β read the same input: one convolution with twice the outputs uses the CPU better.
        weight = torch.cat([self.gamma.weight, self.beta.weight])
        bias = torch.cat([self.gamma.bias, self.beta.bias])
        gamma, beta = F.conv2d(hidden, weight, bias, padding=1).chunk(2, dim=1)
        return torch.addcmul(beta, instance_normalise(features), 1 + gamma)


class SpadeDecoderBlock(nn.Module):
    """SPADE → SELU → conv3×3 → SPADE → SELU, keeping the channel count.

    The attribute names ``norm1``, ``conv``, ``norm2`` are the original ``SPADEDecoderLayer``'s.
    """

    def __init__(self, channels: int, label_channels: int, hidden_channels: int = HIDDEN_CHANNELS):
        super().__init__()
        self.norm1 = Spade(channels, label_channels, hidden_channels)
        self.conv = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.norm2 = Spade(channels, label_channels, hidden_channels)

    def forward(self, features: torch.Tensor, semantic: torch.Tensor) -> torch.Tensor:
        """Refine ``features`` ``[B,C,h,w]`` conditioned on ``semantic`` ``[B,L,H,W]``."""
        features = F.selu(self.norm1(features, semantic))
        features = self.conv(features)
        return F.selu(self.norm2(features, semantic))
