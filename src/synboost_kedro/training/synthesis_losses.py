"""Losses of synthesis training: L1 at several scales, image gradients, VGG perceptual, GAN."""

from __future__ import annotations

import os
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from synboost_kedro.models.encoders.vgg import build_vgg_features
from synboost_kedro.training.data import IMAGENET_MEAN, IMAGENET_STD

#: torchvision ``vgg19.features`` ends of relu1_1 … relu5_1 and their SPADE / pix2pixHD weights.
_VGG19_LEVEL_ENDS = (2, 7, 12, 21, 30)
_VGG19_LEVEL_WEIGHTS = (1 / 32, 1 / 16, 1 / 8, 1 / 4, 1.0)


def pyramid_l1(fake: torch.Tensor, real: torch.Tensor, levels: int = 3) -> torch.Tensor:
    """Mean L1 between 2x, 4x, ... average-pooled copies: the colours of regions, not pixels."""
    losses = []
    for _ in range(levels):
        fake, real = F.avg_pool2d(fake, 2), F.avg_pool2d(real, 2)
        losses.append(F.l1_loss(fake, real))
    return torch.stack(losses).mean()


def gradient_l1(fake: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    """L1 between horizontal and vertical finite differences, which rewards sharp edges."""

    def differences(image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return image[..., :, 1:] - image[..., :, :-1], image[..., 1:, :] - image[..., :-1, :]

    (fake_x, fake_y), (real_x, real_y) = differences(fake), differences(real)
    return F.l1_loss(fake_x, real_x) + F.l1_loss(fake_y, real_y)


class VGGPerceptualLoss(nn.Module):
    """Weighted L1 between frozen VGG19 activations relu1_1 … relu5_1 (as in SPADE).

    Args:
        weights_path: Local torchvision VGG19 state dict (ImageNet); ``None`` uses a frozen
            random VGG19, whose features still compare local structure.
    """

    def __init__(self, weights_path: str | os.PathLike | None) -> None:
        super().__init__()
        features = build_vgg_features("vgg19", weights_path)[: _VGG19_LEVEL_ENDS[-1]]
        starts = (0, *_VGG19_LEVEL_ENDS[:-1])
        self.levels = nn.ModuleList(
            features[start:end] for start, end in zip(starts, _VGG19_LEVEL_ENDS, strict=True)
        )
        self.requires_grad_(False)
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1))

    def forward(self, fake: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
        """``fake`` and ``real`` are ``[B, 3, H, W]`` images in ``[-1, 1]``."""
        x, y = (((image + 1) / 2 - self.mean) / self.std for image in (fake, real))
        loss = fake.new_zeros(())
        for level, weight in zip(self.levels, _VGG19_LEVEL_WEIGHTS, strict=True):
            x, y = level(x), level(y)
            loss = loss + weight * F.l1_loss(x, y.detach())
        return loss


def reconstruction_losses(
    fake: torch.Tensor,
    real: torch.Tensor,
    weights: dict[str, float],
    perceptual: VGGPerceptualLoss | None,
) -> dict[str, torch.Tensor]:
    """The weighted non-adversarial losses that are switched on (weight > 0), by name."""
    terms = {
        "l1": lambda: F.l1_loss(fake, real),
        "pyramid_l1": lambda: pyramid_l1(fake, real),
        "gradient": lambda: gradient_l1(fake, real),
        "perceptual": lambda: perceptual(fake, real),
    }
    active = [name for name in terms if weights.get(name, 0) > 0]
    return {name: weights[name] * terms[name]() for name in active}


def hinge_discriminator_loss(real_scores: torch.Tensor, fake_scores: torch.Tensor) -> torch.Tensor:
    """Hinge loss of the discriminator."""
    return F.relu(1 - real_scores).mean() + F.relu(1 + fake_scores).mean()


def feature_matching_loss(
    fake_features: list[torch.Tensor], real_features: list[torch.Tensor]
) -> torch.Tensor:
    """Mean L1 between the discriminator's features of synthesised and real images."""
    pairs = zip(fake_features, real_features, strict=True)
    return torch.stack([F.l1_loss(fake, real.detach()) for fake, real in pairs]).mean()


def check_loss_weights(weights: dict[str, Any]) -> None:
    """Fail early, naming the key, on unknown loss names or a configuration with no loss at all."""
    known = {"l1", "pyramid_l1", "gradient", "perceptual", "adversarial", "feature_matching"}
    unknown = sorted(set(weights) - known)
    if unknown:
        raise ValueError(f"Unknown synthesis loss weights {unknown}; known: {sorted(known)}")
    if not any(weights.get(name, 0) > 0 for name in ("l1", "pyramid_l1", "gradient", "perceptual")):
        raise ValueError("Synthesis training needs at least one reconstruction loss weight > 0")
