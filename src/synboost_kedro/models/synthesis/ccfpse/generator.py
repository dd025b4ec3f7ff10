"""CC-FPSE's ``CondConvGenerator`` with the options of the SynBoost release.

Key names follow the original (``fc``, ``labelenc1`` … ``labeldec6``, ``head_0`` … ``up_3``,
``conv_img``) so ``latest_net_G.pth`` loads strictly.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from synboost_kedro.models.synthesis.ccfpse.condconv_block import LEAKY_SLOPE, DepthsepCCBlock
from synboost_kedro.models.synthesis.ccfpse.semantics import SEMANTIC_CHANNELS
from synboost_kedro.models.synthesis.ccfpse.spectral_norm import sn_conv

#: ``crop_size`` of the release; with ``aspect_ratio`` 2 the generator works at 256×512.
RELEASE_CROP_SIZE = 512
Z_DIM = 256
BASE_CHANNELS = 64
#: Number of ×2 upsamplings from the latent grid to the output ("more" for Cityscapes).
NUM_UPSAMPLINGS = 6
#: (in, out) channel multiples of ``BASE_CHANNELS`` for head_0 … up_3.
_BLOCKS = (
    ("head_0", 16, 16),
    ("G_middle_0", 16, 16),
    ("G_middle_1", 16, 16),
    ("up_0", 16, 8),
    ("up_1", 8, 4),
    ("up_2", 4, 2),
    ("up_3", 2, 1),
)


def _sn_conv_bn_lrelu(in_channels: int, out_channels: int, kernel_size: int, stride: int = 1):
    """The label-pyramid unit; the nesting reproduces the release keys ``<name>.0.0``/``.0.1``."""
    return nn.Sequential(
        nn.Sequential(
            sn_conv(in_channels, out_channels, kernel_size, stride), nn.BatchNorm2d(out_channels)
        ),
        nn.LeakyReLU(LEAKY_SLOPE),
    )


class CondConvGenerator(nn.Module):
    """Generates an image from 36-channel semantics and a 256-d style code.

    A label feature pyramid (``labelenc*`` bottom-up, ``labellat*`` laterals, ``labeldec*``
    top-down) conditions seven ``DepthsepCCBlock``s that upsample ``fc(z)`` from the latent grid.

    Args:
        crop_size: Output width; the release uses 512 (output 256×512). Smaller multiples of 64
            give structurally identical smaller generators (``fc`` shrinks with the grid).
        aspect_ratio: Width / height of the output.
    """

    def __init__(self, crop_size: int = RELEASE_CROP_SIZE, aspect_ratio: float = 2.0) -> None:
        super().__init__()
        upsampling = 2**NUM_UPSAMPLINGS
        if crop_size % upsampling:
            raise ValueError(f"crop_size must be a multiple of {upsampling}, got {crop_size}")
        self.latent_width = crop_size // upsampling
        self.latent_height = round(self.latent_width / aspect_ratio)
        self.output_size = (self.latent_height * upsampling, self.latent_width * upsampling)
        latent_channels = _BLOCKS[0][1] * BASE_CHANNELS
        self.fc = nn.Linear(Z_DIM, latent_channels * self.latent_height * self.latent_width)
        self._add_label_pyramid()
        condition_channels = SEMANTIC_CHANNELS + BASE_CHANNELS
        for name, in_multiple, out_multiple in _BLOCKS:
            block = DepthsepCCBlock(
                in_multiple * BASE_CHANNELS, out_multiple * BASE_CHANNELS, condition_channels
            )
            self.add_module(name, block)
        self.conv_img = nn.Conv2d(BASE_CHANNELS, 3, 3, padding=1)
        self._memory_format = torch.contiguous_format

    def optimize_for_cpu(self) -> CondConvGenerator:
        """Switch to channels_last, the faster oneDNN layout (same outputs up to float rounding)."""
        self._memory_format = torch.channels_last
        return self.to(memory_format=torch.channels_last)

    def _add_label_pyramid(self) -> None:
        levels = NUM_UPSAMPLINGS + 1
        self.add_module("labelenc1", _sn_conv_bn_lrelu(SEMANTIC_CHANNELS, BASE_CHANNELS, 3))
        for level in range(2, levels + 1):
            self.add_module(
                f"labelenc{level}", _sn_conv_bn_lrelu(BASE_CHANNELS, BASE_CHANNELS, 3, stride=2)
            )
        for level in range(1, levels):
            self.add_module(f"labellat{level}", _sn_conv_bn_lrelu(BASE_CHANNELS, BASE_CHANNELS, 1))
        for level in range(1, levels):
            self.add_module(f"labeldec{level}", _sn_conv_bn_lrelu(BASE_CHANNELS, BASE_CHANNELS, 3))

    def label_pyramid(self, semantics: torch.Tensor) -> list[torch.Tensor]:
        """The top-down pyramid levels, coarsest (latent grid) first, finest (output size) last."""
        bottom_up = [self.labelenc1(semantics)]
        for level in range(2, NUM_UPSAMPLINGS + 2):
            bottom_up.append(getattr(self, f"labelenc{level}")(bottom_up[-1]))
        top_down = [bottom_up[-1]]
        for level in range(1, NUM_UPSAMPLINGS + 1):
            lateral = getattr(self, f"labellat{level}")(bottom_up[-1 - level])
            merged = _upsample_nearest(top_down[-1]) + lateral
            top_down.append(getattr(self, f"labeldec{level}")(merged))
        return top_down

    def forward(self, semantics: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """Generate ``[B, 3, H, W]`` in [-1, 1] from ``semantics`` ``[B, 36, H, W]`` and ``z``.

        ``(H, W)`` must equal ``output_size`` (256×512 for the release).
        """
        self._check_inputs(semantics, z)
        semantics = semantics.contiguous(memory_format=self._memory_format)
        x = self.fc(z).view(z.shape[0], -1, self.latent_height, self.latent_width)
        for index, (level, (name, _, _)) in enumerate(
            zip(self.label_pyramid(semantics), _BLOCKS, strict=True)
        ):
            if index > 0:
                x = _upsample_nearest(x)
            # Legacy "nearest" (floor indices), not "nearest-exact", as the original.
            resized = F.interpolate(semantics, size=x.shape[-2:], mode="nearest")
            x = getattr(self, name)(x, torch.cat([resized, level], dim=1))
        return torch.tanh(self.conv_img(F.leaky_relu(x, LEAKY_SLOPE)))

    def _check_inputs(self, semantics: torch.Tensor, z: torch.Tensor) -> None:
        expected = (SEMANTIC_CHANNELS, *self.output_size)
        if semantics.dim() != 4 or tuple(semantics.shape[1:]) != expected:
            raise ValueError(
                f"semantics must have shape [B, {expected[0]}, {expected[1]}, {expected[2]}], "
                f"got {list(semantics.shape)}"
            )
        if z.shape != (semantics.shape[0], Z_DIM):
            raise ValueError(
                f"z must have shape [{semantics.shape[0]}, {Z_DIM}], got {list(z.shape)}"
            )


def _upsample_nearest(x: torch.Tensor) -> torch.Tensor:
    return F.interpolate(x, scale_factor=2, mode="nearest")
