"""Loading original checkpoints strictly, and this project's own checkpoint round trip."""

from __future__ import annotations

import pytest
import torch

from synboost_kedro.models.dissimilarity import (
    DissimilarityConfig,
    DissimilarityNet,
    unwrap_state_dict,
)

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

    loaded = DissimilarityNet.from_original_checkpoint(path, variant="ours")

    assert torch.equal(_outputs(loaded), _outputs(source))


def test_baseline_variant_rejects_ours_checkpoint(source, tmp_path):
    path = tmp_path / "ours.pth"
    torch.save(source.state_dict(), path)
    with pytest.raises(ValueError, match=r"unexpected keys \['prior_encoder"):
        DissimilarityNet.from_original_checkpoint(path, variant="baseline")


def test_wrong_key_is_named(source, tmp_path):
    state = source.state_dict()
    state["conv11.weights"] = state.pop("conv11.weight")
    path = tmp_path / "renamed.pth"
    torch.save(state, path)
    with pytest.raises(ValueError, match=r"missing keys \['conv11.weight'\].*'conv11.weights'"):
        DissimilarityNet.from_original_checkpoint(path)


def test_wrong_shape_is_named(source, tmp_path):
    state = source.state_dict()
    state["conv11.bias"] = torch.zeros(3)
    path = tmp_path / "reshaped.pth"
    torch.save(state, path)
    with pytest.raises(ValueError, match=r"conv11.bias: file \(3,\) vs model \(2,\)"):
        DissimilarityNet.from_original_checkpoint(path)


def test_missing_original_checkpoint_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere.pth"):
        DissimilarityNet.from_original_checkpoint(tmp_path / "nowhere.pth")


def test_non_tensor_entries_are_rejected():
    with pytest.raises(ValueError, match=r"'x.pth' is not a state dict: entries \['epoch'\]"):
        unwrap_state_dict({"conv.weight": torch.zeros(1), "epoch": 3}, "x.pth")


def test_own_checkpoint_round_trip(tmp_path):
    torch.manual_seed(2)
    config = DissimilarityConfig(spade="both", correlation=False)
    model = DissimilarityNet(config).optimize_for_cpu().eval()
    path = tmp_path / "models" / "dissimilarity.pt"

    model.save(path)
    stored = torch.load(path, weights_only=True)
    loaded = DissimilarityNet.load(path)

    assert stored["config"] == config.to_dict()
    assert loaded.config == config
    assert torch.equal(_outputs(loaded.optimize_for_cpu()), _outputs(model))
    assert [p.name for p in path.parent.iterdir()] == ["dissimilarity.pt"]  # no temp files left


def test_original_file_is_not_taken_for_own_checkpoint(source, tmp_path):
    path = tmp_path / "original.pth"
    torch.save(source.state_dict(), path)
    with pytest.raises(ValueError, match="from_original_checkpoint"):
        DissimilarityNet.load(path)


def test_config_dict_round_trip():
    model = DissimilarityNet.from_config({"architecture": "vgg16_bn", "prior": False, "spade": ""})
    assert DissimilarityNet.from_config(model.to_config()).config == model.config
