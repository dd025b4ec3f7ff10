"""PerceptualDifference against a direct per-level computation, determinism and weights handling."""

from __future__ import annotations

import logging

import pytest
import torch
import torch.nn.functional as F

from synboost_kedro.models.checkpoints import MissingWeightsError
from synboost_kedro.models.perceptual import PerceptualDifference, normalise_per_image

#: ``vgg19.features`` index after which each level is read (relu1_1 … relu5_1).
LEVEL_ENDS = (1, 6, 11, 20, 29)
WEIGHTS = (1 / 32, 1 / 16, 1 / 8, 1 / 4, 1)


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def network() -> PerceptualDifference:
    return PerceptualDifference(seed=0)


def direct_difference(network: PerceptualDifference, x: torch.Tensor, y: torch.Tensor):
    """Each image separately through every VGG19 layer; level maps upsampled by their stride."""
    layers = [layer for level in network.slices for layer in level]
    total = 0
    for image in range(x.shape[0]):
        fx, fy, maps = x[image : image + 1], y[image : image + 1], []
        for index, layer in enumerate(layers):
            fx, fy = layer(fx), layer(fy)
            if index in LEVEL_ENDS:
                maps.append(torch.mean(torch.abs(fx - fy), dim=1, keepdim=True))
        upsampled = [
            F.interpolate(level, scale_factor=2**number, mode="bicubic")
            for number, level in enumerate(maps)
        ]
        per_image = sum(w * level for w, level in zip(WEIGHTS, upsampled, strict=True))
        total = per_image if image == 0 else torch.cat([total, per_image])
    return total


def test_matches_direct_per_level_computation(network):
    generator = torch.Generator().manual_seed(0)
    x, y = (
        torch.randn(2, 3, 32, 64, generator=generator),
        torch.randn(2, 3, 32, 64, generator=generator),
    )

    with torch.no_grad():
        raw = network.raw_difference(x, y)
        expected = direct_difference(network, x, y)
        normalised = network(x, y)

    assert raw.shape == (2, 1, 32, 64)
    torch.testing.assert_close(raw, expected, rtol=1e-4, atol=1e-6)
    for image in range(2):
        low, high = expected[image].min(), expected[image].max()
        torch.testing.assert_close(
            normalised[image], (expected[image] - low) / (high - low), rtol=1e-4, atol=1e-5
        )
        assert normalised[image].min() == 0 and normalised[image].max() == pytest.approx(1)


def test_random_features_are_seeded_and_announced(caplog):
    with caplog.at_level(logging.WARNING, logger="synboost_kedro.models.perceptual"):
        first, again, other = (PerceptualDifference(seed=seed) for seed in (3, 3, 4))

    assert "random features (seed 3)" in caplog.text
    weight = first.slices[0][0].weight
    assert torch.equal(weight, again.slices[0][0].weight)
    assert not torch.equal(weight, other.slices[0][0].weight)


def test_frozen_and_stays_in_eval_mode(network):
    network.train()
    assert not network.training
    assert not any(parameter.requires_grad for parameter in network.parameters())


def test_identical_images_give_zero_map(network):
    x = torch.randn(1, 3, 16, 32)
    with torch.no_grad():
        assert torch.equal(network(x, x), torch.zeros(1, 1, 16, 32))


def test_normalise_per_image_handles_constant_maps():
    maps = torch.stack([torch.full((1, 2, 2), 5.0), torch.arange(4.0).view(1, 2, 2)])
    expected = [0, 0, 0, 0, 0, 1 / 3, 2 / 3, 1]
    assert normalise_per_image(maps).flatten().tolist() == pytest.approx(expected)


def test_mismatched_inputs_are_rejected(network):
    with pytest.raises(ValueError, match="differs from image shape"):
        network(torch.zeros(1, 3, 16, 32), torch.zeros(1, 3, 16, 16))


def test_missing_weights_file_is_explained(tmp_path):
    missing = tmp_path / "vgg19_imagenet.pth"
    with pytest.raises(MissingWeightsError, match="vgg19_imagenet.pth") as error:
        PerceptualDifference(weights_path=missing)
    assert 'torchvision.models.vgg19(weights="IMAGENET1K_V1")' in str(error.value)
