"""The WideResNet38-A2 trunk (Wu et al., "Wider or Deeper"), dilated to output stride 8.

Module names (``mod1``, ``blockN``, ``bn1``, ``convs.conv1`` …) follow NVIDIA's
``network/wider_resnet.py`` so the released checkpoint loads without renaming.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import torch
from torch import nn


def bn_relu(channels: int) -> nn.Sequential:
    """BatchNorm followed by ReLU, the pre-activation unit of every residual block."""
    return nn.Sequential(nn.BatchNorm2d(channels), nn.ReLU(inplace=True))


class IdentityResidualBlock(nn.Module):
    """A pre-activation residual block with two 3×3 convs or a 1×1-3×3-1×1 bottleneck.

    Args:
        in_channels: Channels of the block input.
        channels: Two widths for the 3×3-3×3 form, three for the bottleneck form.
        stride: Stride of the first conv (and of the projection shortcut).
        dilation: Dilation of the 3×3 convs.
        dropout: Dropout2d probability before the last conv, or ``None``.
    """

    def __init__(
        self,
        in_channels: int,
        channels: tuple[int, ...],
        stride: int = 1,
        dilation: int = 1,
        dropout: float | None = None,
    ) -> None:
        super().__init__()
        if len(channels) not in (2, 3):
            raise ValueError(f"channels must hold 2 or 3 widths, got {channels}")
        self.bn1 = bn_relu(in_channels)
        if len(channels) == 2:
            layers = [
                ("conv1", _conv3x3(in_channels, channels[0], stride, dilation)),
                ("bn2", bn_relu(channels[0])),
                ("conv2", _conv3x3(channels[0], channels[1], 1, dilation)),
            ]
        else:
            layers = [
                ("conv1", nn.Conv2d(in_channels, channels[0], 1, stride=stride, bias=False)),
                ("bn2", bn_relu(channels[0])),
                ("conv2", _conv3x3(channels[0], channels[1], 1, dilation)),
                ("bn3", bn_relu(channels[1])),
                ("conv3", nn.Conv2d(channels[1], channels[2], 1, bias=False)),
            ]
        if dropout is not None:
            layers.insert(-1, ("dropout", nn.Dropout2d(dropout)))
        self.convs = nn.Sequential(OrderedDict(layers))
        if stride != 1 or in_channels != channels[-1]:
            self.proj_conv = nn.Conv2d(in_channels, channels[-1], 1, stride=stride, bias=False)
        else:
            self.proj_conv = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        activated = self.bn1(x)
        # Without a projection the shortcut is the raw input, not its BN-ReLU (as in the original).
        shortcut = x if self.proj_conv is None else self.proj_conv(activated)
        return self.convs(activated) + shortcut


def _conv3x3(in_channels: int, out_channels: int, stride: int, dilation: int) -> nn.Conv2d:
    return nn.Conv2d(
        in_channels,
        out_channels,
        3,
        stride=stride,
        padding=dilation,
        dilation=dilation,
        bias=False,
    )


@dataclass(frozen=True)
class StageSpec:
    """One stage (``modN``) of residual blocks; stride and dilation apply from its first block."""

    blocks: int
    widths: tuple[int, ...]
    stride: int = 1
    dilation: int = 1
    dropout: float | None = None

    def build(self, in_channels: int) -> nn.Sequential:
        layers = []
        for index in range(self.blocks):
            block = IdentityResidualBlock(
                in_channels if index == 0 else self.widths[-1],
                self.widths,
                self.stride if index == 0 else 1,
                self.dilation,
                self.dropout,
            )
            layers.append((f"block{index + 1}", block))
        return nn.Sequential(OrderedDict(layers))


#: mod2..mod7 of ``wider_resnet38_a2(dilation=True)``: output stride 8, dilated mod5..mod7.
WRN38_STAGES = (
    StageSpec(3, (128, 128)),
    StageSpec(3, (256, 256)),
    StageSpec(6, (512, 512), stride=2),
    StageSpec(3, (512, 1024), dilation=2),
    StageSpec(1, (512, 1024, 2048), dilation=4, dropout=0.3),
    StageSpec(1, (1024, 2048, 4096), dilation=4, dropout=0.5),
)


class WiderResNet38A2(nn.Module):
    """WideResNet38-A2 up to ``mod7`` (no ``bn_out``/classifier), output stride 8.

    ``forward`` returns the ``mod2`` output (128 channels, 1/2 resolution) for the decoder's
    fine branch and the ``mod7`` output (4096 channels, 1/8 resolution).
    """

    low_level_channels = 128
    out_channels = 4096

    def __init__(self) -> None:
        super().__init__()
        self.mod1 = nn.Sequential(
            OrderedDict([("conv1", nn.Conv2d(3, 64, 3, stride=1, padding=1, bias=False))])
        )
        self.pool2 = nn.MaxPool2d(3, stride=2, padding=1)
        self.pool3 = nn.MaxPool2d(3, stride=2, padding=1)
        in_channels = 64
        for index, stage in enumerate(WRN38_STAGES):
            self.add_module(f"mod{index + 2}", stage.build(in_channels))
            in_channels = stage.widths[-1]

    def forward_features(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``(mod2 output, mod7 output)``."""
        low_level = self.mod2(self.pool2(self.mod1(image)))
        x = self.mod3(self.pool3(low_level))
        for stage in (self.mod4, self.mod5, self.mod6, self.mod7):
            x = stage(x)
        return low_level, x

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.forward_features(image)
