import pytest
import torch

from synboost_kedro.models.synthesis.ccfpse.generator import CondConvGenerator

#: Smallest structurally identical generator: latent grid 1×2, output 64×128.
SMALL_CROP_SIZE = 128


@pytest.fixture(scope="package")
def small_generator() -> CondConvGenerator:
    """One shared random generator; tests must not change its weights or mode."""
    torch.manual_seed(0)
    return CondConvGenerator(SMALL_CROP_SIZE).eval()
