"""Per-pixel depthwise 3×3 convolution with predicted kernels (CC-FPSE's conditional conv)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

KERNEL_SIZE = 3
KERNEL_TAPS = KERNEL_SIZE * KERNEL_SIZE


def depthwise_conditional_conv(x: torch.Tensor, kernels: torch.Tensor) -> torch.Tensor:
    """Cross-correlate every channel of ``x`` with its own 3×3 kernel at every pixel.

    ``out[n, c, y, x] = Σ_{i,j} kernels[n, 9c + 3i + j, y, x] · x_pad[n, c, y + i, x + j]`` with
    one pixel of zero padding. The kernel index is channel-major, as ``nn.Unfold`` orders it in
    the original. Accumulating the nine shifted products avoids materialising the 9×
    larger unfolded input.

    Args:
        x: Features ``[N, C, H, W]``.
        kernels: Predicted kernels ``[N, 9C, H, W]``.
    """
    batch, channels, height, width = x.shape
    if kernels.shape != (batch, channels * KERNEL_TAPS, height, width):
        raise ValueError(
            f"kernels must have shape {(batch, channels * KERNEL_TAPS, height, width)} for "
            f"features {tuple(x.shape)}, got {tuple(kernels.shape)}"
        )
    kernels = kernels.view(batch, channels, KERNEL_TAPS, height, width)
    padded = F.pad(x, (1, 1, 1, 1))
    out = torch.zeros_like(x)
    for tap in range(KERNEL_TAPS):
        row, col = divmod(tap, KERNEL_SIZE)
        out.addcmul_(kernels[:, :, tap], padded[:, :, row : row + height, col : col + width])
    return out


class DepthConv(nn.Module):
    """The conditional depthwise conv layer of a ``DepthsepCCBlock``.

    ``norm_layer`` is never used in the forward pass; it exists because the release holds its
    tensors and loading is strict.
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.norm_layer = nn.BatchNorm2d(channels)

    def forward(self, x: torch.Tensor, kernels: torch.Tensor) -> torch.Tensor:
        return depthwise_conditional_conv(x, kernels)
