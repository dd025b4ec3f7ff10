import numpy as np
import pytest
import torch

from synboost_kedro.uncertainty.softmax_maps import (
    Normalisation,
    normalise_per_image,
    softmax_uncertainty,
)
from tests.uncertainty.conftest import random_logits


def _numpy_maps(logits: np.ndarray, normalisation: str) -> tuple[np.ndarray, np.ndarray]:
    """Direct per-image computation of docs/method.md, "Uncertainty maps" in float64."""
    entropies, distances = [], []
    for item in logits.astype(np.float64):
        p = np.exp(item - item.max(axis=0))
        p /= p.sum(axis=0)
        entropy = -(p * np.log(p)).sum(axis=0)
        top = np.sort(p, axis=0)
        gap = top[-1] - top[-2]
        if normalisation == "original":
            entropies.append((entropy - entropy.min()) / entropy.max())
            distances.append(1 - (gap - gap.min()) / gap.max())
        else:
            entropies.append((entropy - entropy.min()) / (entropy.max() - entropy.min()))
            distances.append(1 - (gap - gap.min()) / (gap.max() - gap.min()))
    return np.stack(entropies), np.stack(distances)


@pytest.mark.parametrize("normalisation", ["original", "min_max"])
def test_entropy_and_distance_match_a_direct_numpy_computation(normalisation):
    logits = random_logits()
    # A very different scale in the second image shows the normalisation is per image.
    logits[1] *= 0.1

    maps = softmax_uncertainty(logits, Normalisation(normalisation))
    entropy, distance = _numpy_maps(logits.numpy(), normalisation)

    np.testing.assert_allclose(maps.entropy.numpy(), entropy, atol=5e-5)
    np.testing.assert_allclose(maps.distance.numpy(), distance, atol=5e-5)
    assert torch.equal(maps.prediction, logits.argmax(dim=1))


def test_the_original_normalisation_divides_by_the_maximum_not_the_range():
    maps = softmax_uncertainty(random_logits(), Normalisation.ORIGINAL)
    spread = softmax_uncertainty(random_logits(), Normalisation.MIN_MAX)

    assert maps.entropy.amin() == 0
    assert maps.entropy.amax() < 1
    assert spread.entropy.flatten(1).amax(dim=1).tolist() == [1, 1]
    assert spread.distance.flatten(1).amin(dim=1).tolist() == [0, 0]


def test_probabilities_that_underflow_to_zero_give_finite_maps():
    logits = torch.zeros(1, 19, 2, 2)
    logits[0, 0] = 200.0  # softmax of the other classes underflows to exactly 0 in float32

    maps = softmax_uncertainty(logits)

    assert torch.isfinite(maps.entropy).all()
    assert torch.isfinite(maps.distance).all()


def test_constant_maps_normalise_to_zero_instead_of_nan():
    constant = torch.full((2, 3, 3), 0.7)
    zero = torch.zeros(1, 3, 3)

    assert normalise_per_image(constant, Normalisation.MIN_MAX).eq(0).all()
    assert normalise_per_image(zero, Normalisation.ORIGINAL).eq(0).all()


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_logits_are_refused_naming_the_frame(bad):
    logits = random_logits()
    logits[1, 4, 2, 3] = bad
    logits[0, 4, 2, 3] = -float("inf")  # a class with probability 0: a valid distribution

    with pytest.raises(ValueError, match=r"NaN or infinite.*\['frame_b'\]"):
        softmax_uncertainty(logits, item_names=["frame_a", "frame_b"])


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ((2, 18, 4, 4), r"\[B, 19, H, W\]"),
        ((19, 4, 4), r"\[B, 19, H, W\]"),
        ((0, 19, 4, 4), "empty"),
    ],
)
def test_malformed_logits_are_refused(shape, message):
    with pytest.raises(ValueError, match=message):
        softmax_uncertainty(torch.zeros(shape))


def test_unknown_normalisation_is_refused():
    with pytest.raises(ValueError, match="min_max"):
        normalise_per_image(torch.ones(1, 2, 2), "range")
