"""A conditional PatchGAN discriminator for the optional adversarial loss of synthesis training."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils import spectral_norm


class PatchDiscriminator(nn.Module):
    """Scores overlapping patches of ``(semantics, image)`` as real or synthesised.

    Spectral-normalised strided convolutions with LeakyReLU (pix2pixHD / SPADE style). ``forward``
    also returns every intermediate feature map, for the feature-matching loss.

    Args:
        semantic_channels: Channels of the semantic input map.
        base_channels: Channels of the first layer, doubled at each stride-2 layer.
        num_layers: Number of stride-2 layers.
    """

    def __init__(
        self, semantic_channels: int, base_channels: int = 32, num_layers: int = 3
    ) -> None:
        super().__init__()
        layers = []
        in_channels = semantic_channels + 3
        for index in range(num_layers):
            out_channels = base_channels * 2**index
            layers.append(
                nn.Sequential(
                    spectral_norm(nn.Conv2d(in_channels, out_channels, 4, stride=2, padding=1)),
                    nn.LeakyReLU(0.2, inplace=True),
                )
            )
            in_channels = out_channels
        self.layers = nn.ModuleList(layers)
        self.score = nn.Conv2d(in_channels, 1, kernel_size=3, padding=1)

    def forward(
        self, semantics: torch.Tensor, image: torch.Tensor
    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """Return the patch scores ``[B, 1, h, w]`` and the features of every layer."""
        x = torch.cat([semantics, image], dim=1)
        features = []
        for layer in self.layers:
            x = layer(x)
            features.append(x)
        return self.score(x), features
