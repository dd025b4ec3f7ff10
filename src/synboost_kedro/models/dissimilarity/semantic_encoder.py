"""Small four-stage convolutional encoder for the semantic one-hot map and the prior maps."""

from __future__ import annotations

import torch
from torch import nn

NUM_STAGES = 4


def _stage(in_channels: int, out_channels: int, first: bool, batch_norm: bool) -> nn.Sequential:
    # The first stage keeps full resolution with a wide 7×7 kernel; later stages halve it.
    kernel, stride, padding = (7, 1, 3) if first else (3, 2, 1)
    layers: list[nn.Module] = [
        nn.Conv2d(in_channels, out_channels, kernel_size=kernel, stride=stride, padding=padding)
    ]
    if batch_norm:
        layers.append(nn.BatchNorm2d(out_channels))
    layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class SemanticEncoder(nn.Module):
    """Conv + (BatchNorm) + ReLU stages with channels ``c, 2c, 4c, 8c`` at strides 1, 2, 4, 8.

    Args:
        in_channels: Input channels (19 for the semantic one-hot map, 3 for the stacked priors).
        base_channels: Channels ``c`` of the first stage (32 semantic, 64 prior).
        batch_norm: Insert BatchNorm after each convolution (the original's vgg16_bn setting).
    """

    def __init__(self, in_channels: int, base_channels: int = 32, batch_norm: bool = False):
        super().__init__()
        channels = [base_channels * 2**stage for stage in range(NUM_STAGES)]
        self.out_channels = tuple(channels)
        self.hidden_layers = nn.ModuleList(
            _stage(c_in, c_out, first=stage == 0, batch_norm=batch_norm)
            for stage, (c_in, c_out) in enumerate(
                zip([in_channels, *channels], channels, strict=False)
            )
        )
        self._initialise()

    def _initialise(self) -> None:
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
                nn.init.zeros_(module.bias)

    def forward(self, maps: torch.Tensor) -> list[torch.Tensor]:
        """Return the four stage outputs of ``maps`` ``[B,in_channels,H,W]``."""
        outputs = []
        for stage in self.hidden_layers:
            maps = stage(maps)
            outputs.append(maps)
        return outputs
