"""SPADE normalisation as CC-FPSE names it (``param_free_norm``, ``mlp_shared``, ``mlp_gamma``…).

The compact ``synthesis.spade`` module computes the same thing under other key names; this one
exists so the released shortcut weights load strictly.
"""

from __future__ import annotations

import torch
from torch import nn

SPADE_HIDDEN_CHANNELS = 128


class SPADE(nn.Module):
    """``BN(x) · (1 + γ(c)) + β(c)`` with γ and β predicted per pixel from the condition ``c``.

    Args:
        channels: Channels of the normalised features.
        condition_channels: Channels of the condition map (same spatial size as the features).
    """

    def __init__(self, channels: int, condition_channels: int) -> None:
        super().__init__()
        self.param_free_norm = nn.BatchNorm2d(channels, affine=False)
        self.mlp_shared = nn.Sequential(
            nn.Conv2d(condition_channels, SPADE_HIDDEN_CHANNELS, 3, padding=1), nn.ReLU()
        )
        self.mlp_gamma = nn.Conv2d(SPADE_HIDDEN_CHANNELS, channels, 3, padding=1)
        self.mlp_beta = nn.Conv2d(SPADE_HIDDEN_CHANNELS, channels, 3, padding=1)

    def forward(self, x: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        hidden = self.mlp_shared(condition)
        return self.param_free_norm(x) * (1 + self.mlp_gamma(hidden)) + self.mlp_beta(hidden)
