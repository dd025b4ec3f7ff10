"""The DeepLabV3+ head (ASPP + fine-feature decoder) on the WideResNet38-A2 trunk.

This is NVIDIA's ``DeepWV3Plus`` (``network/deepv3.py``), the segmentation network SynBoost ships.
Key names match its state dict so the released ``cityscapes_best.pth`` loads strictly.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from synboost_kedro.cityscapes import NUM_TRAIN_IDS
from synboost_kedro.models.segmentation.batch_norm_folding import fold_batch_norms
from synboost_kedro.models.segmentation.wider_resnet import WiderResNet38A2


def conv_bn_relu(
    in_channels: int, out_channels: int, kernel_size: int = 1, dilation: int = 1
) -> list[nn.Module]:
    """A bias-free conv, BatchNorm and ReLU, returned as layers so callers keep flat indices."""
    padding = dilation * (kernel_size // 2)
    return [
        nn.Conv2d(
            in_channels, out_channels, kernel_size, padding=padding, dilation=dilation, bias=False
        ),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    ]


def upsample_bilinear(x: torch.Tensor, size: tuple[int, int] | torch.Size) -> torch.Tensor:
    """Bilinear resize with ``align_corners=True``, as the original ``mynn.Upsample``."""
    return F.interpolate(x, size=size, mode="bilinear", align_corners=True)


class AtrousSpatialPyramidPooling(nn.Module):
    """ASPP with image pooling, a 1×1 branch and three dilated 3×3 branches.

    The output concatenates ``[image pooling, 1×1, rate_1, rate_2, rate_3]``.

    Args:
        in_channels: Channels of the trunk output.
        branch_channels: Channels of every branch.
        rates: Dilation rates of the 3×3 branches ((12, 24, 36) at output stride 8).
    """

    def __init__(
        self, in_channels: int, branch_channels: int, rates: tuple[int, ...] = (12, 24, 36)
    ) -> None:
        super().__init__()
        branches = [nn.Sequential(*conv_bn_relu(in_channels, branch_channels))]
        branches += [
            nn.Sequential(*conv_bn_relu(in_channels, branch_channels, 3, dilation=rate))
            for rate in rates
        ]
        self.features = nn.ModuleList(branches)
        self.img_pooling = nn.AdaptiveAvgPool2d(1)
        self.img_conv = nn.Sequential(*conv_bn_relu(in_channels, branch_channels))
        self.out_channels = branch_channels * (len(branches) + 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pooled = self.img_conv(self.img_pooling(x))
        # align_corners upsampling of a 1×1 map is exactly a broadcast.
        outputs = [pooled.expand(-1, -1, *x.shape[-2:])]
        outputs += [branch(x) for branch in self.features]
        return torch.cat(outputs, dim=1)


class WRN38DeepLabV3Plus(WiderResNet38A2):
    """WideResNet38-A2 trunk + DeepLabV3+ head, output stride 8 (NVIDIA ``DeepWV3Plus``).

    It extends the trunk rather than holding it, because the released state dict has the trunk
    modules (``mod1`` … ``mod7``) at the top level next to ``aspp``, ``bot_fine``, ``bot_aspp``
    and ``final``.

    Input: ImageNet-normalised RGB ``[B, 3, H, W]`` (any size). Output: logits
    ``[B, num_classes, H, W]`` over the Cityscapes train ids.

    Args:
        num_classes: Number of output classes.
    """

    def __init__(self, num_classes: int = NUM_TRAIN_IDS) -> None:
        super().__init__()
        self.aspp = AtrousSpatialPyramidPooling(self.out_channels, 256, rates=(12, 24, 36))
        self.bot_fine = nn.Conv2d(self.low_level_channels, 48, 1, bias=False)
        self.bot_aspp = nn.Conv2d(self.aspp.out_channels, 256, 1, bias=False)
        self.final = nn.Sequential(
            *conv_bn_relu(48 + 256, 256, 3),
            *conv_bn_relu(256, 256, 3),
            nn.Conv2d(256, num_classes, 1, bias=False),
        )
        self._memory_format = torch.contiguous_format

    def optimize_for_cpu(self) -> WRN38DeepLabV3Plus:
        """Fold conv-BN pairs and switch to channels_last, the faster oneDNN layout.

        Exact up to float rounding (logits differ by ~3e-6 of their range); see
        ``benchmarks/original_release.py``. Inference only: the network must be in eval mode and
        its state dict no longer has the release's keys afterwards.
        """
        fold_batch_norms(self)
        self._memory_format = torch.channels_last
        return self.to(memory_format=torch.channels_last)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        image = image.contiguous(memory_format=self._memory_format)
        low_level, high_level = self.forward_features(image)
        context = self.bot_aspp(self.aspp(high_level))
        fine = self.bot_fine(low_level)
        fused = torch.cat([fine, upsample_bilinear(context, low_level.shape[-2:])], dim=1)
        return upsample_bilinear(self.final(fused), image.shape[-2:])
