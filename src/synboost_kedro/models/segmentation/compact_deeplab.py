"""A compact DeepLabV3+-style encoder-decoder that trains on a CPU in minutes.

It keeps the structure of the original ``DeepWV3Plus`` (a strided trunk, atrous spatial pyramid
pooling, a low-level skip and a 3x3 refinement head, logits upsampled to the input size) at a few
hundred thousand parameters instead of 137 million, so the demo can train its own segmenter.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from synboost_kedro.cityscapes import NUM_TRAIN_IDS
from synboost_kedro.models.segmentation.registry import SEGMENTATION_MODELS


def conv_bn_relu(
    in_channels: int, out_channels: int, stride: int = 1, dilation: int = 1
) -> nn.Sequential:
    """3x3 convolution (padded to keep the size at stride 1) + BN + ReLU."""
    return nn.Sequential(
        nn.Conv2d(
            in_channels,
            out_channels,
            kernel_size=3,
            stride=stride,
            padding=dilation,
            dilation=dilation,
            bias=False,
        ),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    )


def pointwise_bn_relu(in_channels: int, out_channels: int) -> nn.Sequential:
    """1x1 convolution + BN + ReLU."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size=1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    )


class CompactEncoder(nn.Module):
    """A plain strided trunk: each stage halves the resolution with two conv-BN-ReLU layers.

    ``forward`` returns the features of every stage, finest first (strides 2, 4, 8, ...).
    """

    def __init__(self, in_channels: int, stage_channels: tuple[int, ...]) -> None:
        super().__init__()
        stages = []
        for out_channels in stage_channels:
            stages.append(
                nn.Sequential(
                    conv_bn_relu(in_channels, out_channels, stride=2),
                    conv_bn_relu(out_channels, out_channels),
                )
            )
            in_channels = out_channels
        self.stages = nn.ModuleList(stages)
        self.out_channels = tuple(stage_channels)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        features = []
        for stage in self.stages:
            x = stage(x)
            features.append(x)
        return features


class LightASPP(nn.Module):
    """Atrous spatial pyramid pooling: a 1x1 branch, dilated 3x3 branches and image pooling."""

    def __init__(self, in_channels: int, out_channels: int, rates: tuple[int, ...]) -> None:
        super().__init__()
        self.branches = nn.ModuleList(
            [pointwise_bn_relu(in_channels, out_channels)]
            + [conv_bn_relu(in_channels, out_channels, dilation=rate) for rate in rates]
        )
        # No BatchNorm after pooling: a 1x1 map with batch size 1 has no variance to normalise.
        self.image_pooling = nn.Sequential(
            nn.AdaptiveAvgPool2d(1), nn.Conv2d(in_channels, out_channels, 1), nn.ReLU(inplace=True)
        )
        self.project = pointwise_bn_relu(out_channels * (len(rates) + 2), out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pooled = self.image_pooling(x).expand(-1, -1, *x.shape[-2:])
        return self.project(torch.cat([branch(x) for branch in self.branches] + [pooled], dim=1))


class DeepLabV3PlusDecoder(nn.Module):
    """ASPP on the coarsest features, upsampled and fused with a projected low-level skip."""

    def __init__(
        self,
        encoder_channels: tuple[int, ...],
        skip_stage: int,
        decoder_channels: int,
        skip_channels: int,
        atrous_rates: tuple[int, ...],
    ) -> None:
        super().__init__()
        self.skip_stage = skip_stage
        self.aspp = LightASPP(encoder_channels[-1], decoder_channels, atrous_rates)
        self.skip = pointwise_bn_relu(encoder_channels[skip_stage], skip_channels)
        self.fuse = nn.Sequential(
            conv_bn_relu(decoder_channels + skip_channels, decoder_channels),
            conv_bn_relu(decoder_channels, decoder_channels),
        )
        self.out_channels = decoder_channels

    def forward(self, features: list[torch.Tensor]) -> torch.Tensor:
        skip = self.skip(features[self.skip_stage])
        context = F.interpolate(
            self.aspp(features[-1]), size=skip.shape[-2:], mode="bilinear", align_corners=False
        )
        return self.fuse(torch.cat([context, skip], dim=1))


class CompactDeepLab(nn.Module):
    """Encoder + DeepLabV3+ decoder + 1x1 head, logits bilinearly upsampled to the input size.

    Args:
        num_classes: Output channels (19 Cityscapes train ids).
        stage_channels: Channels of the encoder stages; stage ``i`` has stride ``2**(i+1)``.
        skip_stage: Index of the encoder stage feeding the low-level skip (1 = stride 4).
        decoder_channels: Channels of ASPP and of the fused decoder features.
        skip_channels: Channels the low-level skip is projected to.
        atrous_rates: Dilations of the 3x3 ASPP branches.
        input_downsample: Average-pool the input by this factor first, so full-resolution
            frames cost what frames this many times smaller would; the logits are still returned
            at the input resolution.
    """

    def __init__(
        self,
        num_classes: int = NUM_TRAIN_IDS,
        *,
        stage_channels: tuple[int, ...] = (24, 32, 64, 96, 128),
        skip_stage: int = 1,
        decoder_channels: int = 64,
        skip_channels: int = 24,
        atrous_rates: tuple[int, ...] = (2, 4, 6),
        input_downsample: int = 1,
    ) -> None:
        super().__init__()
        if not 0 <= skip_stage < len(stage_channels) - 1:
            raise ValueError(
                f"skip_stage must index an encoder stage before the last one "
                f"(0..{len(stage_channels) - 2}), got {skip_stage}"
            )
        self.encoder = CompactEncoder(3, tuple(stage_channels))
        self.decoder = DeepLabV3PlusDecoder(
            self.encoder.out_channels,
            skip_stage,
            decoder_channels,
            skip_channels,
            tuple(atrous_rates),
        )
        self.head = nn.Conv2d(decoder_channels, num_classes, kernel_size=1)
        self.input_downsample = input_downsample

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        """Map an ImageNet-normalised ``[B, 3, H, W]`` image to logits at the input size."""
        features = image
        if self.input_downsample > 1:
            features = F.avg_pool2d(image, self.input_downsample, ceil_mode=True)
        logits = self.head(self.decoder(self.encoder(features)))
        return F.interpolate(logits, size=image.shape[-2:], mode="bilinear", align_corners=False)


@SEGMENTATION_MODELS.register("compact_deeplab")
def build_compact_deeplab(**options) -> CompactDeepLab:
    """Build a :class:`CompactDeepLab`; ``options`` are its constructor arguments."""
    return CompactDeepLab(**options)
