import pytest
import torch
import torch.nn.functional as F

from synboost_kedro.models.synthesis.ccfpse.encoder import ConvEncoder
from tests.models.conftest import ENCODER_MANIFEST, describe_network, read_manifest


def test_state_dict_matches_the_release_manifest_key_for_key():
    with torch.device("meta"):
        encoder = ConvEncoder()

    assert describe_network(encoder) == read_manifest(ENCODER_MANIFEST)
    assert sum(p.numel() for p in encoder.parameters()) == 10_463_424


@pytest.fixture(scope="module")
def encoder() -> ConvEncoder:
    torch.manual_seed(0)
    return ConvEncoder().eval()


def test_a_256x512_image_is_resized_bilinearly_to_256x256_first(encoder: ConvEncoder):
    image = torch.rand(1, 3, 256, 512) * 2 - 1
    resized = F.interpolate(image, size=(256, 256), mode="bilinear", align_corners=False)

    with torch.inference_mode():
        mu, logvar = encoder(image)
        expected_mu, expected_logvar = encoder(resized)

    assert mu.shape == logvar.shape == (1, 256)
    assert torch.equal(mu, expected_mu) and torch.equal(logvar, expected_logvar)
    assert not torch.equal(mu, logvar)


def test_a_non_rgb_input_is_rejected(encoder: ConvEncoder):
    with pytest.raises(ValueError, match=r"\[B, 3, H, W\]"):
        encoder(torch.zeros(1, 1, 256, 256))
