"""Loading the released dissimilarity checkpoints strictly."""

from __future__ import annotations

import pytest
import torch

from synboost_kedro.models.checkpoints import CheckpointMismatchError, MissingWeightsError
from synboost_kedro.models.dissimilarity import (
    DissimilarityConfig,
    DissimilarityNet,
    from_original_checkpoint,
)
from synboost_kedro.models.model_file import NotAModelFileError, read_model_file, write_model_file

from .conftest import make_inputs


@pytest.fixture(scope="module")
def source() -> DissimilarityNet:
    torch.manual_seed(1)
    return DissimilarityNet(DissimilarityConfig.preset("ours")).eval()


def _outputs(model: DissimilarityNet) -> torch.Tensor:
    with torch.no_grad():
        return model.eval()(**make_inputs())


@pytest.mark.parametrize("container", ["plain", "state_dict", "data_parallel"])
def test_original_checkpoint_loads_strictly_with_identical_outputs(source, tmp_path, container):
    state = source.state_dict()
    if container == "data_parallel":
        state = {"state_dict": {f"module.{key}": value for key, value in state.items()}}
    elif container == "state_dict":
        state = {"state_dict": state, "epoch": 3}
    path = tmp_path / "best_net_baseline_void_prior_spadedecoder_mult_3.pth"
    torch.save(state, path)

    loaded = from_original_checkpoint(path, variant="ours")

    assert torch.equal(_outputs(loaded), _outputs(source))


def test_baseline_variant_rejects_ours_checkpoint(source, tmp_path):
    path = tmp_path / "ours.pth"
    torch.save(source.state_dict(), path)
    with pytest.raises(CheckpointMismatchError, match=r"unexpected keys: prior_encoder"):
        from_original_checkpoint(path, variant="baseline")


def test_wrong_key_is_named(source, tmp_path):
    state = source.state_dict()
    state["conv11.weights"] = state.pop("conv11.weight")
    path = tmp_path / "renamed.pth"
    torch.save(state, path)
    with pytest.raises(
        CheckpointMismatchError, match=r"missing keys: conv11.weight;.*conv11.weights"
    ):
        from_original_checkpoint(path)


def test_wrong_shape_is_named(source, tmp_path):
    state = source.state_dict()
    state["conv11.bias"] = torch.zeros(3)
    path = tmp_path / "reshaped.pth"
    torch.save(state, path)
    with pytest.raises(CheckpointMismatchError, match=r"conv11.bias \(3,\) \(expected \(2,\)\)"):
        from_original_checkpoint(path)


def test_missing_original_checkpoint_names_the_file(tmp_path):
    with pytest.raises(MissingWeightsError, match="nowhere.pth"):
        from_original_checkpoint(tmp_path / "nowhere.pth")


def test_released_network_saves_in_the_model_file_format(source, tmp_path):
    path = tmp_path / "original.pth"
    torch.save(source.state_dict(), path)
    network = from_original_checkpoint(path, "ours")
    saved = tmp_path / "models" / "dissimilarity.pt"

    write_model_file(network, saved)
    loaded = read_model_file(saved, "dissimilarity")

    assert loaded.config == network.config
    assert torch.equal(_outputs(loaded), _outputs(source))
    assert [p.name for p in saved.parent.iterdir()] == ["dissimilarity.pt"]  # no temp files left


def test_an_original_file_is_not_a_model_file(source, tmp_path):
    path = tmp_path / "original.pth"
    torch.save(source.state_dict(), path)
    with pytest.raises(NotAModelFileError, match="original.pth' must hold"):
        read_model_file(path)
