import pytest
import torch
from torch import nn

from synboost_kedro.models.synthesis import create_synthesis_model
from synboost_kedro.models.synthesis.ccfpse.encoder import ConvEncoder
from synboost_kedro.models.synthesis.ccfpse.model import CCFPSE
from synboost_kedro.models.synthesis.ccfpse.semantics import build_semantics


class _RecordingGenerator(nn.Module):
    """Stands in for the 120M-parameter generator and remembers what it was called with."""

    def forward(self, semantics: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        self.inputs = (semantics, z)
        return torch.zeros(semantics.shape[0], 3, *semantics.shape[-2:])


@pytest.fixture(scope="module")
def model() -> CCFPSE:
    torch.manual_seed(0)
    return CCFPSE(_RecordingGenerator(), ConvEncoder().eval())


@pytest.fixture(scope="module")
def image() -> torch.Tensor:
    return torch.rand(1, 3, 64, 128, generator=torch.Generator().manual_seed(0)) * 2 - 1


@torch.inference_mode()
def test_without_a_random_generator_the_style_code_is_the_encoder_mean(
    model: CCFPSE, image: torch.Tensor
):
    mu, _ = model.encoder(image)

    assert torch.equal(model.style_code(1, image), mu)


@torch.inference_mode()
def test_a_seeded_random_generator_samples_around_the_mean_reproducibly(
    model: CCFPSE, image: torch.Tensor
):
    mu, logvar = model.encoder(image)

    first = model.style_code(1, image, torch.Generator().manual_seed(5))
    again = model.style_code(1, image, torch.Generator().manual_seed(5))
    other = model.style_code(1, image, torch.Generator().manual_seed(6))

    assert torch.equal(first, again) and not torch.equal(first, other)
    noise = torch.randn(1, 256, generator=torch.Generator().manual_seed(5))
    torch.testing.assert_close(first, mu + noise * torch.exp(0.5 * logvar))


@torch.inference_mode()
def test_without_an_image_the_prior_mean_is_used(model: CCFPSE):
    assert torch.equal(model.style_code(2), torch.zeros(2, 256))


@torch.inference_mode()
def test_synthesise_feeds_the_semantics_and_the_style_code_to_the_generator(
    model: CCFPSE, image: torch.Tensor
):
    label_ids = torch.randint(0, 34, (1, 64, 128), generator=torch.Generator().manual_seed(2))

    out = model.synthesise(label_ids, None, image)

    semantics, z = model.generator.inputs
    assert out.shape == (1, 3, 64, 128)
    assert torch.equal(semantics, build_semantics(label_ids, None))
    assert torch.equal(z, model.style_code(1, image))


def test_the_registry_builds_it_in_eval_mode():
    with torch.device("meta"):
        model = create_synthesis_model("ccfpse")

    assert isinstance(model, CCFPSE) and not model.training
    assert model.generator.output_size == (256, 512)
