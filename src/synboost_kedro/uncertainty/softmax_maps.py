"""Softmax entropy and softmax distance of segmentation logits (docs/method.md, "Uncertainty maps").

Both maps are normalised per image. ``Normalisation.ORIGINAL`` divides by the maximum instead of
the range, exactly as SynBoost does, so networks trained on its maps see the same values;
``Normalisation.MIN_MAX`` is the plain ``(x − min) / (max − min)`` (docs/method.md, "Known bugs of
the original" (row "Normalisation by the maximum")).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from synboost_kedro.cityscapes import NUM_TRAIN_IDS


class Normalisation(enum.StrEnum):
    """How a map is scaled to ``[0, 1]`` per image."""

    ORIGINAL = "original"
    """``(x − min) / max``: SynBoost's formula, which never reaches 1 unless ``min`` is 0."""
    MIN_MAX = "min_max"
    """``(x − min) / (max − min)``: every image spans the full ``[0, 1]``."""


@dataclass(frozen=True)
class SoftmaxMaps:
    """Per-pixel outputs of one batch of segmentation logits.

    Attributes:
        entropy: ``[B, H, W]`` normalised softmax entropy in ``[0, 1]``; high = uncertain.
        distance: ``[B, H, W]`` normalised softmax distance in ``[0, 1]``; high = the two most
            likely classes are close, i.e. uncertain.
        prediction: ``[B, H, W]`` long train ids (the argmax).
    """

    entropy: torch.Tensor
    distance: torch.Tensor
    prediction: torch.Tensor


def softmax_entropy(probabilities: torch.Tensor, dim: int = 1) -> torch.Tensor:
    """``H = −Σ_c p_c ln p_c`` over the class dimension ``dim``, natural log.

    The original has no epsilon, so a probability that underflows to 0 makes its map NaN; here
    ``0 · ln 0`` is 0, its limit, which equals the original wherever the original is defined.
    """
    return torch.special.entr(probabilities).sum(dim=dim)


def top_two_gap(probabilities: torch.Tensor, dim: int = 1) -> torch.Tensor:
    """``p(1) − p(2)``, the gap between the two largest probabilities along ``dim``."""
    first, second = probabilities.topk(2, dim=dim).values.unbind(dim)
    return first - second


def normalise_per_image(
    maps: torch.Tensor, normalisation: Normalisation = Normalisation.ORIGINAL
) -> torch.Tensor:
    """Scale every map of ``[B, ...]`` to ``[0, 1]`` with its own min and max.

    A map whose divisor is 0 (constant under ``MIN_MAX``, all-zero under ``ORIGINAL``) becomes 0
    instead of the original's NaN.
    """
    if normalisation not in set(Normalisation):
        choices = [choice.value for choice in Normalisation]
        raise ValueError(f"normalisation must be one of {choices}, got {normalisation!r}")
    normalisation = Normalisation(normalisation)
    flat = maps.flatten(1)
    shape = (-1, *[1] * (maps.dim() - 1))
    low = flat.amin(dim=1).view(shape)
    high = flat.amax(dim=1).view(shape)
    divisor = high if normalisation is Normalisation.ORIGINAL else high - low
    return (maps - low) / divisor.clamp_min(torch.finfo(maps.dtype).tiny)


def check_logit_shape(logits: torch.Tensor) -> None:
    """Refuse logits that are not ``[B, 19, H, W]`` or are empty.

    Raises:
        ValueError: naming the shape found.
    """
    if logits.dim() != 4 or logits.shape[1] != NUM_TRAIN_IDS:
        raise ValueError(
            f"segmentation logits must be [B, {NUM_TRAIN_IDS}, H, W], got {tuple(logits.shape)}"
        )
    if logits.numel() == 0:
        raise ValueError(f"segmentation logits are empty: shape {tuple(logits.shape)}")


def _check_finite(entropy: torch.Tensor, item_names: Sequence[str] | None) -> None:
    """Refuse images whose entropy is not finite, i.e. whose logits hold NaN or +inf.

    Checking the one-channel entropy instead of the 19-channel logits is cheaper and catches the
    same pixels: softmax turns a NaN or +inf logit into NaN probabilities for its pixel.
    """
    finite = torch.isfinite(entropy).flatten(1).all(dim=1)
    if not bool(finite.all()):
        bad = [int(index) for index in torch.nonzero(~finite).flatten()]
        names = [item_names[index] for index in bad] if item_names is not None else bad
        raise ValueError(
            f"segmentation logits hold NaN or infinite values for {names}; "
            "the segmentation model or its weights are broken"
        )


def softmax_uncertainty(
    logits: torch.Tensor,
    normalisation: Normalisation = Normalisation.ORIGINAL,
    item_names: Sequence[str] | None = None,
) -> SoftmaxMaps:
    """Entropy, distance and prediction of ``[B, 19, H, W]`` logits, normalised per image.

    ``entropy = normalise(H)`` and ``distance = 1 − normalise(p(1) − p(2))``.

    Args:
        logits: Segmentation logits.
        normalisation: Per-image scaling; ``ORIGINAL`` reproduces SynBoost's maps.
        item_names: Names of the batch items, used in error messages.

    Raises:
        ValueError: the logits have the wrong shape, are empty, or are not finite.
    """
    check_logit_shape(logits)
    # Reducing over a contiguous last dimension is about twice as fast on a CPU as over dim 1.
    per_pixel = logits.float().permute(0, 2, 3, 1).contiguous()
    probabilities = torch.softmax(per_pixel, dim=-1)
    entropy = softmax_entropy(probabilities, dim=-1)
    _check_finite(entropy, item_names)
    return SoftmaxMaps(
        entropy=normalise_per_image(entropy, normalisation),
        distance=1 - normalise_per_image(top_two_gap(probabilities, dim=-1), normalisation),
        prediction=per_pixel.argmax(dim=-1),
    )
