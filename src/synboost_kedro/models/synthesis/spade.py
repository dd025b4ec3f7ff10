"""Spatially-adaptive normalisation (SPADE, Park et al. 2019) and its residual block.

The semantic embedding is computed once per block and shared by the block's normalisations;
the original recomputes it for each, which triples the cost at full resolution on a CPU.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class SPADE(nn.Module):
    """Parameter-free BatchNorm with per-pixel scale and shift predicted from a semantic embedding.

    Args:
        channels: Channels of the normalised features.
        embedding_channels: Channels of the semantic embedding.
        kernel_size: Kernel of the convolutions predicting scale and shift (3 as in SPADE, 1 to
            save compute).
    """

    def __init__(self, channels: int, embedding_channels: int, kernel_size: int = 3) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(channels, affine=False)
        padding = kernel_size // 2
        self.gamma = nn.Conv2d(embedding_channels, channels, kernel_size, padding=padding)
        self.beta = nn.Conv2d(embedding_channels, channels, kernel_size, padding=padding)

    def forward(self, x: torch.Tensor, embedding: torch.Tensor) -> torch.Tensor:
        return self.norm(x) * (1 + self.gamma(embedding)) + self.beta(embedding)


class SPADEResBlock(nn.Module):
    """Two SPADE-LeakyReLU-conv layers with a learned SPADE shortcut when the width changes.

    Args:
        in_channels: Input feature channels.
        out_channels: Output feature channels.
        semantic_channels: Channels of the semantic input map.
        hidden_channels: Channels of the shared semantic embedding.
        modulation_kernel_size: Kernel of the scale and shift convolutions.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        semantic_channels: int,
        hidden_channels: int,
        modulation_kernel_size: int = 3,
    ) -> None:
        super().__init__()
        middle_channels = min(in_channels, out_channels)
        self.embed = nn.Sequential(
            nn.Conv2d(semantic_channels, hidden_channels, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
        )
        self.norm_0 = SPADE(in_channels, hidden_channels, modulation_kernel_size)
        self.conv_0 = nn.Conv2d(in_channels, middle_channels, kernel_size=3, padding=1)
        self.norm_1 = SPADE(middle_channels, hidden_channels, modulation_kernel_size)
        self.conv_1 = nn.Conv2d(middle_channels, out_channels, kernel_size=3, padding=1)
        self.shortcut: nn.Module | None = None
        if in_channels != out_channels:
            self.norm_s = SPADE(in_channels, hidden_channels, modulation_kernel_size)
            self.shortcut = nn.Conv2d(in_channels, out_channels, kernel_size=1, bias=False)

    def forward(self, x: torch.Tensor, semantics: torch.Tensor) -> torch.Tensor:
        if semantics.shape[-2:] != x.shape[-2:]:
            semantics = F.interpolate(semantics, size=x.shape[-2:], mode="nearest")
        embedding = self.embed(semantics)
        residual = x if self.shortcut is None else self.shortcut(self.norm_s(x, embedding))
        dx = self.conv_0(F.leaky_relu(self.norm_0(x, embedding), 0.2))
        dx = self.conv_1(F.leaky_relu(self.norm_1(dx, embedding), 0.2))
        return residual + dx
