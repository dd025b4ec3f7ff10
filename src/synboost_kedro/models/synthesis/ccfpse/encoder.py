"""CC-FPSE's VAE style encoder (``ConvEncoder``) with the options of the SynBoost release."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from synboost_kedro.models.synthesis.ccfpse.condconv_block import LEAKY_SLOPE
from synboost_kedro.models.synthesis.ccfpse.generator import Z_DIM
from synboost_kedro.models.synthesis.ccfpse.spectral_norm import sn_conv

#: The encoder always sees the image resized to this size (bilinear, align_corners=False).
ENCODER_INPUT_SIZE = (256, 256)
_CHANNELS = (3, 64, 128, 256, 512, 512, 512)


class ConvEncoder(nn.Module):
    """Six stride-2 spectral-norm convs with InstanceNorm, then ``fc_mu`` and ``fc_var``.

    Input: an RGB image in [-1, 1], ``[B, 3, H, W]``; it is resized to 256×256 first.
    Output: ``(mu, logvar)``, each ``[B, 256]``.
    """

    def __init__(self) -> None:
        super().__init__()
        for index, (in_channels, out_channels) in enumerate(
            zip(_CHANNELS[:-1], _CHANNELS[1:], strict=True)
        ):
            layer = nn.Sequential(
                sn_conv(in_channels, out_channels, 3, stride=2), nn.InstanceNorm2d(out_channels)
            )
            self.add_module(f"layer{index + 1}", layer)
        self.num_layers = len(_CHANNELS) - 1
        grid = ENCODER_INPUT_SIZE[0] // 2**self.num_layers
        flat_features = _CHANNELS[-1] * grid * grid
        self.fc_mu = nn.Linear(flat_features, Z_DIM)
        self.fc_var = nn.Linear(flat_features, Z_DIM)

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if image.dim() != 4 or image.shape[1] != 3:
            raise ValueError(f"image must have shape [B, 3, H, W], got {list(image.shape)}")
        if tuple(image.shape[-2:]) != ENCODER_INPUT_SIZE:
            image = F.interpolate(
                image, size=ENCODER_INPUT_SIZE, mode="bilinear", align_corners=False
            )
        x = self.layer1(image)
        for index in range(2, self.num_layers + 1):
            x = getattr(self, f"layer{index}")(F.leaky_relu(x, LEAKY_SLOPE))
        x = F.leaky_relu(x, LEAKY_SLOPE).flatten(1)
        return self.fc_mu(x), self.fc_var(x)
