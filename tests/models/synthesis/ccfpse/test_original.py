from pathlib import Path

import pytest
import torch

from synboost_kedro.models.checkpoints import CheckpointMismatchError, MissingWeightsError
from synboost_kedro.models.synthesis import create_synthesis_model, from_original_checkpoints
from synboost_kedro.models.synthesis.ccfpse.model import CCFPSE
from tests.models.conftest import Release, save_original_style_release
from tests.models.synthesis.ccfpse.conftest import SMALL_CROP_SIZE


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    return save_original_style_release(
        tmp_path_factory.mktemp("models"), seed=5, segmentation=False
    )


def _equal_states(module: torch.nn.Module, expected: dict[str, torch.Tensor]) -> bool:
    loaded = module.state_dict()
    return loaded.keys() == expected.keys() and all(
        torch.equal(loaded[key], value) for key, value in expected.items()
    )


def test_the_release_loads_every_tensor_in_eval_mode(release: Release):
    generator, encoder = from_original_checkpoints(release.generator, release.encoder)

    assert not generator.training and not encoder.training
    assert _equal_states(generator, release.generator_state)
    assert _equal_states(encoder, release.encoder_state)
    with torch.inference_mode():
        mu, logvar = encoder(torch.rand(1, 3, 256, 512) * 2 - 1)
    assert mu.shape == logvar.shape == (1, 256)
    assert torch.isfinite(mu).all()
    # Eval mode runs no power iteration: the stored spectral-norm vectors are kept.
    assert _equal_states(encoder, release.encoder_state)


def test_the_registry_builds_the_synthesis_model_from_release_files(release: Release):
    # Only the encoder file, with a small random generator, keeps this test light.
    model = create_synthesis_model(
        "ccfpse", encoder_path=release.encoder, crop_size=SMALL_CROP_SIZE
    )

    assert isinstance(model, CCFPSE) and not model.training
    assert model.generator.output_size == (64, 128)
    assert _equal_states(model.encoder, release.encoder_state)


def test_a_renamed_key_fails_naming_it(release: Release, tmp_path: Path):
    state = dict(release.encoder_state)
    state["layer1.0.weight"] = state.pop("layer1.0.weight_orig")
    path = tmp_path / "latest_net_E.pth"
    torch.save(state, path)

    with pytest.raises(CheckpointMismatchError) as error:
        from_original_checkpoints(release.generator, path)

    message = str(error.value)
    assert str(path) in message
    assert "missing keys: layer1.0.weight_orig;" in message
    assert "unexpected keys: layer1.0.weight" in message


def test_a_missing_file_names_the_expected_path(release: Release, tmp_path: Path):
    missing = tmp_path / "models" / "image-synthesis" / "latest_net_G.pth"

    with pytest.raises(MissingWeightsError, match=str(missing)):
        from_original_checkpoints(missing, release.encoder)
