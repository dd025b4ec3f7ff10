"""Spatially-adaptive normalisation (SPADE, Park et al. 2019) and its residual block."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class SPADE(nn.Module):
    """Parameter-free BatchNorm whose per-pixel scale and shift are predicted from the semantics.

    Args:
        channels: Channels of the normalised features.
        semantic_channels: Channels of the conditioning map.
        hidden_channels: Channels of the shared convolution that embeds the conditioning map.
    """

    def __init__(self, channels: int, semantic_channels: int, hidden_channels: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(channels, affine=False)
        self.shared = nn.Sequential(
            nn.Conv2d(semantic_channels, hidden_channels, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
        )
        self.gamma = nn.Conv2d(hidden_channels, channels, kernel_size=3, padding=1)
        self.beta = nn.Conv2d(hidden_channels, channels, kernel_size=3, padding=1)

    def forward(self, x: torch.Tensor, semantics: torch.Tensor) -> torch.Tensor:
        semantics = F.interpolate(semantics, size=x.shape[-2:], mode="nearest")
        embedding = self.shared(semantics)
        return self.norm(x) * (1 + self.gamma(embedding)) + self.beta(embedding)


class SPADEResBlock(nn.Module):
    """Two SPADE-ReLU-conv layers with a learned SPADE shortcut when the channel count changes."""

    def __init__(
        self, in_channels: int, out_channels: int, semantic_channels: int, hidden_channels: int
    ) -> None:
        super().__init__()
        middle_channels = min(in_channels, out_channels)
        self.norm_0 = SPADE(in_channels, semantic_channels, hidden_channels)
        self.conv_0 = nn.Conv2d(in_channels, middle_channels, kernel_size=3, padding=1)
        self.norm_1 = SPADE(middle_channels, semantic_channels, hidden_channels)
        self.conv_1 = nn.Conv2d(middle_channels, out_channels, kernel_size=3, padding=1)
        self.shortcut: nn.Module | None = None
        if in_channels != out_channels:
            self.norm_s = SPADE(in_channels, semantic_channels, hidden_channels)
            self.shortcut = nn.Conv2d(in_channels, out_channels, kernel_size=1, bias=False)

    def forward(self, x: torch.Tensor, semantics: torch.Tensor) -> torch.Tensor:
        residual = x if self.shortcut is None else self.shortcut(self.norm_s(x, semantics))
        dx = self.conv_0(F.leaky_relu(self.norm_0(x, semantics), 0.2))
        dx = self.conv_1(F.leaky_relu(self.norm_1(dx, semantics), 0.2))
        return residual + dx
