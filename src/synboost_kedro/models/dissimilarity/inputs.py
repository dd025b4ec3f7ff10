"""Input preparation and score post-processing around the dissimilarity network (docs/method.md,
"Dissimilarity network inputs" and "Score fusion")."""

from __future__ import annotations

import torch
import torch.nn.functional as F

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def imagenet_normalise(rgb: torch.Tensor) -> torch.Tensor:
    """Normalise RGB in [0, 1] ``[B,3,H,W]`` with the ImageNet mean and std."""
    if rgb.dim() != 4 or rgb.shape[1] != 3:
        raise ValueError(f"rgb must be [B,3,H,W], got {tuple(rgb.shape)}")
    mean = rgb.new_tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
    std = rgb.new_tensor(IMAGENET_STD).view(1, 3, 1, 1)
    return (rgb - mean) / std


def semantic_one_hot(train_ids: torch.Tensor, num_classes: int = 19) -> torch.Tensor:
    """One-hot float map ``[B,num_classes,H,W]`` of train ids ``[B,H,W]`` or ``[B,1,H,W]``.

    Ids ≥ ``num_classes`` (255 = void/ignore) give all-zero pixels, as in the original data loader.

    Raises:
        ValueError: the map is not integer-typed, has the wrong rank, or holds negative ids.
    """
    if train_ids.dtype.is_floating_point or train_ids.dtype == torch.bool:
        raise ValueError(f"train_ids must be an integer tensor, got {train_ids.dtype}")
    if train_ids.dim() == 4 and train_ids.shape[1] == 1:
        train_ids = train_ids[:, 0]
    if train_ids.dim() != 3:
        raise ValueError(f"train_ids must be [B,H,W] or [B,1,H,W], got {tuple(train_ids.shape)}")
    train_ids = train_ids.long()
    if (train_ids < 0).any():
        raise ValueError("train_ids holds negative ids")
    # One extra class collects every void id; dropping it leaves those pixels all-zero.
    clipped = train_ids.clamp(max=num_classes)
    one_hot = F.one_hot(clipped, num_classes + 1)[..., :num_classes]
    return one_hot.permute(0, 3, 1, 2).float().contiguous()


def require_priors(
    entropy: torch.Tensor | None, mae: torch.Tensor | None, distance: torch.Tensor | None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Return the three priors, or explain that a prior-gated network needs all of them."""
    if entropy is None or mae is None or distance is None:
        raise ValueError("this dissimilarity network uses priors: pass entropy, mae and distance")
    return entropy, mae, distance


def stack_priors(entropy: torch.Tensor, mae: torch.Tensor, distance: torch.Tensor) -> torch.Tensor:
    """Concatenate the three ``[B,1,H,W]`` priors in the original order [entropy, mae, distance]."""
    for name, prior in (("entropy", entropy), ("mae", mae), ("distance", distance)):
        if prior.dim() != 4 or prior.shape[1] != 1:
            raise ValueError(f"{name} must be [B,1,H,W], got {tuple(prior.shape)}")
    return torch.cat([entropy, mae, distance], dim=1)


def anomaly_probability(logits: torch.Tensor) -> torch.Tensor:
    """Softmax probability of class 1 (anomaly), ``[B,H,W]``, from 2-class logits ``[B,2,H,W]``."""
    if logits.dim() != 4 or logits.shape[1] != 2:
        raise ValueError(f"logits must be [B,2,H,W], got {tuple(logits.shape)}")
    return torch.softmax(logits, dim=1)[:, 1]


def random_inputs(
    batch: int = 1, height: int = 32, width: int = 64, seed: int = 0
) -> dict[str, torch.Tensor]:
    """Seeded random keyword inputs of the network, for tracing, export checks and benchmarks.

    Images are standard-normal, the semantic one-hot has void (all-zero) pixels in its top two
    rows, and the three priors are uniform in [0, 1].
    """
    generator = torch.Generator().manual_seed(seed)
    train_ids = torch.randint(0, 19, (batch, height, width), generator=generator)
    train_ids[:, :2] = 255
    priors = torch.rand(3, batch, 1, height, width, generator=generator)
    return {
        "image": torch.randn(batch, 3, height, width, generator=generator),
        "synthesis": torch.randn(batch, 3, height, width, generator=generator),
        "semantic": semantic_one_hot(train_ids),
        "entropy": priors[0],
        "mae": priors[1],
        "distance": priors[2],
    }
