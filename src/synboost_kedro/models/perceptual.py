"""VGG perceptual difference between an image and its re-synthesis (SynBoost's "mae" prior)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

import torch
import torch.nn.functional as F
from torch import nn

from synboost_kedro.models.checkpoints import load_strictly
from synboost_kedro.models.encoders.vgg import build_vgg_features

logger = logging.getLogger(__name__)

#: ``features`` index ranges ending at relu1_1, relu2_1, relu3_1, relu4_1 and relu5_1. SynBoost
#: uses VGG19; VGG16 serves where only its weights are at hand (``models/hed_vgg16.py``).
LEVEL_SLICES: dict[str, tuple[tuple[int, int], ...]] = {
    "vgg19": ((0, 2), (2, 7), (7, 12), (12, 21), (21, 30)),
    "vgg16": ((0, 2), (2, 7), (7, 12), (12, 19), (19, 26)),
}
#: Weight of each level in the sum; deeper levels count more.
LEVEL_WEIGHTS = (1.0 / 32, 1.0 / 16, 1.0 / 8, 1.0 / 4, 1.0)


class PerceptualDifference(nn.Module):
    """Five-level weighted VGG feature difference, frozen.

    For each level ``l`` the channel mean of ``|φ_l(x) − φ_l(y)|`` is upsampled bicubically to the
    input size; the maps are summed with :data:`LEVEL_WEIGHTS`. :meth:`forward` then min-max
    normalises every image to [0, 1]; :meth:`raw_difference` returns the sum itself.

    Args:
        weights_path: Local torchvision-format state dict of ``architecture`` (ImageNet VGG19 in
            the original). Without one the network has random (seeded, hence reproducible)
            weights, which only suits tests and smoke runs.
        seed: Seed of the random weights used when ``weights_path`` is ``None``.
        architecture: ``"vgg19"`` (SynBoost's) or ``"vgg16"``.
        state_dict: Weights of this module (e.g. from another process) instead of a file.
    """

    def __init__(
        self,
        weights_path: str | os.PathLike | None = None,
        seed: int = 0,
        architecture: str = "vgg19",
        state_dict: Mapping[str, torch.Tensor] | None = None,
    ):
        super().__init__()
        if architecture not in LEVEL_SLICES:
            raise ValueError(
                f"Perceptual architecture must be one of {list(LEVEL_SLICES)}, got '{architecture}'"
            )
        if weights_path is None:
            if state_dict is None:
                logger.warning(
                    "PerceptualDifference has no %s weights file: using random features (seed "
                    "%d). The maps are not the SynBoost perceptual difference; pass weights_path "
                    "for that.",
                    architecture,
                    seed,
                )
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed)
                features = build_vgg_features(architecture, None)
        else:
            features = build_vgg_features(architecture, weights_path)
        self.architecture = architecture
        self.slices = nn.ModuleList(
            nn.Sequential(*features[start:stop]) for start, stop in LEVEL_SLICES[architecture]
        )
        if state_dict is not None:
            load_strictly(self, state_dict, "the perceptual network's state dict")
        self.requires_grad_(False)
        self.eval()

    def train(self, mode: bool = True) -> PerceptualDifference:
        """Stay in eval mode: the network is a fixed feature extractor."""
        return super().train(False)

    def level_differences(self, image: torch.Tensor, synthesis: torch.Tensor) -> list[torch.Tensor]:
        """Channel-mean absolute feature difference ``[B,1,h_l,w_l]`` of each level."""
        _check_pair(image, synthesis)
        # One pass over the stacked pair halves the number of (small, inefficient) conv calls.
        features = torch.cat([image, synthesis])
        differences = []
        for level in self.slices:
            features = level(features)
            real, synthetic = features.chunk(2)
            # Float32 under mixed precision, so the map is not rounded to bfloat16's 8 bits.
            difference = (real.float() - synthetic.float()).abs()
            differences.append(difference.mean(dim=1, keepdim=True))
        return differences

    def raw_difference(self, image: torch.Tensor, synthesis: torch.Tensor) -> torch.Tensor:
        """Weighted sum of the upsampled level differences, ``[B,1,H,W]``, not normalised.

        Args:
            image: ImageNet-normalised RGB ``[B,3,H,W]``.
            synthesis: ImageNet-normalised re-synthesised RGB of the same shape.
        """
        size = image.shape[-2:]
        total = torch.zeros_like(image[:, :1])
        for weight, difference in zip(
            LEVEL_WEIGHTS, self.level_differences(image, synthesis), strict=True
        ):
            total += weight * F.interpolate(difference, size=size, mode="bicubic")
        return total

    def forward(self, image: torch.Tensor, synthesis: torch.Tensor) -> torch.Tensor:
        """Perceptual difference min-max normalised per image to [0, 1], ``[B,1,H,W]``.

        A constant map (e.g. identical inputs) becomes all zeros instead of NaN.
        """
        return normalise_per_image(self.raw_difference(image, synthesis))


def normalise_per_image(maps: torch.Tensor) -> torch.Tensor:
    """Min-max normalise each map of ``[B,...]`` to [0, 1]; constant maps become 0."""
    flat = maps.flatten(1)
    low = flat.min(dim=1).values.view(-1, *[1] * (maps.dim() - 1))
    span = flat.max(dim=1).values.view_as(low) - low
    return (maps - low) / span.clamp_min(torch.finfo(maps.dtype).tiny)


def _check_pair(image: torch.Tensor, synthesis: torch.Tensor) -> None:
    if image.dim() != 4 or image.shape[1] != 3:
        raise ValueError(f"image must be [B,3,H,W], got {tuple(image.shape)}")
    if synthesis.shape != image.shape:
        raise ValueError(
            f"synthesis shape {tuple(synthesis.shape)} differs from "
            f"image shape {tuple(image.shape)}"
        )
