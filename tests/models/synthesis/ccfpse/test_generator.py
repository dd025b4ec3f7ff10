import pytest
import torch

from synboost_kedro.models.synthesis.ccfpse.generator import CondConvGenerator
from synboost_kedro.models.synthesis.ccfpse.semantics import build_semantics
from tests.models.conftest import GENERATOR_MANIFEST, describe_network, read_manifest


def test_state_dict_matches_the_release_manifest_key_for_key():
    with torch.device("meta"):
        generator = CondConvGenerator()

    assert describe_network(generator) == read_manifest(GENERATOR_MANIFEST)
    assert sum(p.numel() for p in generator.parameters()) == 128_055_555
    assert generator.output_size == (256, 512)


def test_a_small_generator_draws_an_image_in_the_tanh_range_without_touching_its_buffers(
    small_generator: CondConvGenerator,
):
    torch.manual_seed(1)
    label_ids = torch.randint(0, 36, (1, 64, 128))
    buffers = {name: b.clone() for name, b in small_generator.named_buffers()}

    with torch.inference_mode():
        image = small_generator(build_semantics(label_ids, None), torch.randn(1, 256))

    assert image.shape == (1, 3, 64, 128)
    assert torch.isfinite(image).all() and image.abs().max() <= 1
    assert image.std() > 0
    # No spectral-norm power iteration or BN statistics update in eval mode: reproducible.
    assert all(torch.equal(b, buffers[name]) for name, b in small_generator.named_buffers())


def test_the_label_pyramid_runs_from_the_latent_grid_to_the_output_size(
    small_generator: CondConvGenerator,
):
    with torch.inference_mode():
        levels = small_generator.label_pyramid(torch.zeros(1, 36, 64, 128))

    assert [tuple(level.shape[-2:]) for level in levels] == [
        (1, 2),
        (2, 4),
        (4, 8),
        (8, 16),
        (16, 32),
        (32, 64),
        (64, 128),
    ]


def test_semantics_of_another_size_are_rejected_naming_the_expected_shape(
    small_generator: CondConvGenerator,
):
    with pytest.raises(ValueError, match=r"\[B, 36, 64, 128\]"):
        small_generator(torch.zeros(1, 36, 64, 64), torch.zeros(1, 256))


def test_crop_sizes_that_are_not_multiples_of_64_are_rejected():
    with pytest.raises(ValueError, match="crop_size must be a multiple of 64"):
        CondConvGenerator(crop_size=100)


def test_cpu_optimisation_switches_the_weights_to_channels_last():
    with torch.device("meta"):
        generator = CondConvGenerator().optimize_for_cpu()

    weight = generator.up_3.gen_weights1[2].weight
    assert weight.is_contiguous(memory_format=torch.channels_last)
