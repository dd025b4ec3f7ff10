"""CC-FPSE's depthwise-separable conditional-convolution residual block (``DepthsepCCBlock``)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from synboost_kedro.models.synthesis.ccfpse.depth_conv import KERNEL_TAPS, DepthConv
from synboost_kedro.models.synthesis.ccfpse.spade import SPADE
from synboost_kedro.models.synthesis.ccfpse.spectral_norm import sn_conv

PREDICTOR_HIDDEN_CHANNELS = 128
LEAKY_SLOPE = 0.2


def _predictor(condition_channels: int, out_channels: int, gate: bool) -> nn.Sequential:
    """Two 3×3 convs predicting per-pixel kernels (or, with ``gate``, sigmoid gates)."""
    layers: list[nn.Module] = [
        nn.Conv2d(condition_channels, PREDICTOR_HIDDEN_CHANNELS, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(PREDICTOR_HIDDEN_CHANNELS, out_channels, 3, padding=1),
    ]
    if gate:
        layers.append(nn.Sigmoid())
    return nn.Sequential(*layers)


class DepthsepCCBlock(nn.Module):
    """Residual block of two conditional depthwise 3×3 convs, each with a 1×1 conv and a gate.

    The depthwise kernels and the gates are predicted per pixel from the block condition (the
    resized semantics concatenated with the matching label-pyramid level). ``norm_0`` and the
    ``DepthConv`` BatchNorms are unused, as in the original; they exist for strict loading.

    Args:
        in_channels: Channels of the block input.
        out_channels: Channels of the block output; a learned SPADE + 1×1 shortcut is used when
            they differ from ``in_channels``.
        condition_channels: Channels of the condition map.
    """

    def __init__(self, in_channels: int, out_channels: int, condition_channels: int) -> None:
        super().__init__()
        middle_channels = min(in_channels, out_channels)
        self.learned_shortcut = in_channels != out_channels
        self.gen_weights1 = _predictor(condition_channels, in_channels * KERNEL_TAPS, gate=False)
        self.gen_weights2 = _predictor(condition_channels, out_channels * KERNEL_TAPS, gate=False)
        self.gen_se_weights1 = _predictor(condition_channels, middle_channels, gate=True)
        self.gen_se_weights2 = _predictor(condition_channels, out_channels, gate=True)
        self.conv_0 = DepthConv(in_channels)
        self.norm_0 = nn.BatchNorm2d(middle_channels)
        self.conv_1 = nn.Conv2d(in_channels, middle_channels, 1)
        self.norm_1 = nn.BatchNorm2d(in_channels)
        self.conv_2 = DepthConv(middle_channels)
        self.norm_2 = nn.BatchNorm2d(middle_channels)
        self.conv_3 = nn.Conv2d(middle_channels, out_channels, 1)
        if self.learned_shortcut:
            self.conv_s = sn_conv(in_channels, out_channels, 1)
            self.norm_s = SPADE(in_channels, condition_channels)

    def forward(self, x: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        shortcut = self.conv_s(self.norm_s(x, condition)) if self.learned_shortcut else x
        branch = self._conditional_unit(
            self.norm_1(x),
            condition,
            depth_conv=self.conv_0,
            kernel_predictor=self.gen_weights1,
            pointwise=self.conv_1,
            gate_predictor=self.gen_se_weights1,
        )
        branch = self._conditional_unit(
            self.norm_2(branch),
            condition,
            depth_conv=self.conv_2,
            kernel_predictor=self.gen_weights2,
            pointwise=self.conv_3,
            gate_predictor=self.gen_se_weights2,
        )
        return shortcut + branch

    @staticmethod
    def _conditional_unit(
        x: torch.Tensor,
        condition: torch.Tensor,
        *,
        depth_conv: DepthConv,
        kernel_predictor: nn.Module,
        pointwise: nn.Conv2d,
        gate_predictor: nn.Module,
    ) -> torch.Tensor:
        x = pointwise(depth_conv(x, kernel_predictor(condition)))
        return F.leaky_relu(x * gate_predictor(condition), LEAKY_SLOPE)
