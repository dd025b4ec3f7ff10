import pytest
import torch
from kedro.io.core import DatasetError
from torch import nn

from synboost_kedro.datasets.torch_model import TorchModelDataset
from synboost_kedro.models.segmentation import create_segmentation_model
from synboost_kedro.models.synthesis import create_synthesis_model

TINY_SEGMENTER = {"stage_channels": (4, 8, 8), "decoder_channels": 8, "skip_channels": 4}


@pytest.fixture
def segmenter() -> nn.Module:
    torch.manual_seed(0)
    model = create_segmentation_model("compact_deeplab", **TINY_SEGMENTER)
    # A training step moves the BatchNorm statistics away from their initial values.
    model(torch.randn(2, 3, 16, 16)).mean().backward()
    return model.eval()


def test_round_trip_rebuilds_a_network_with_identical_outputs(tmp_path, segmenter):
    dataset = TorchModelDataset(filepath=str(tmp_path / "segmenter.pt"), kind="segmentation")
    image = torch.randn(1, 3, 16, 24)

    dataset.save(segmenter)
    loaded = dataset.load()

    assert dataset.exists()
    assert not loaded.training
    assert loaded.build_config == segmenter.build_config
    with torch.no_grad():
        assert torch.equal(loaded(image), segmenter(image))


def test_round_trip_of_a_synthesiser(tmp_path):
    model = create_synthesis_model("spade_compact", base_channels=4, num_up_layers=2).eval()
    dataset = TorchModelDataset(filepath=str(tmp_path / "synthesiser.pt"))
    label_ids = torch.randint(0, 36, (1, 8, 12))

    dataset.save(model)

    with torch.no_grad():
        assert torch.equal(
            dataset.load().synthesise(label_ids, None), model.synthesise(label_ids, None)
        )


def test_a_pickled_module_is_refused_naming_the_file(tmp_path, segmenter):
    path = tmp_path / "pickled_module.pt"
    torch.save(segmenter, path)

    with pytest.raises(DatasetError, match="pickled_module.pt' is not a safe network") as error:
        TorchModelDataset(filepath=str(path)).load()
    assert "weights_only" not in str(error.value)


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"weight": torch.zeros(1)}, "exactly 'config' and 'state_dict'"),
        ({"config": {"kind": "segmentation"}, "state_dict": {}}, "lacks"),
        (
            {"config": {"kind": "vae", "architecture": "x", "options": {}}, "state_dict": {}},
            "unknown kind",
        ),
        (
            {
                "config": {
                    "kind": "segmentation",
                    "architecture": "compact_deeplab",
                    "options": {},
                },
                "state_dict": {"weight": [1, 2]},
            },
            "not a mapping of names to tensors",
        ),
    ],
)
def test_files_that_are_not_config_plus_state_dict_are_refused(tmp_path, payload, problem):
    path = tmp_path / "other.pt"
    torch.save(payload, path)

    with pytest.raises(DatasetError, match=problem):
        TorchModelDataset(filepath=str(path)).load()


def test_tensors_that_do_not_fit_the_architecture_are_refused(tmp_path, segmenter):
    path = tmp_path / "mismatch.pt"
    state = segmenter.state_dict()
    state.pop("head.bias")
    torch.save({"config": segmenter.build_config, "state_dict": state}, path)

    with pytest.raises(DatasetError, match="(?s)does not fit.*head.bias"):
        TorchModelDataset(filepath=str(path)).load()


def test_the_kind_of_network_is_checked(tmp_path, segmenter):
    path = str(tmp_path / "segmenter.pt")
    TorchModelDataset(filepath=path).save(segmenter)

    with pytest.raises(DatasetError, match="holds a segmentation network, expected synthesis"):
        TorchModelDataset(filepath=path, kind="synthesis").load()
    with pytest.raises(DatasetError, match="Cannot save a segmentation network"):
        TorchModelDataset(filepath=path, kind="synthesis").save(segmenter)


def test_networks_not_built_by_a_factory_cannot_be_saved(tmp_path):
    with pytest.raises(DatasetError, match="no build config"):
        TorchModelDataset(filepath=str(tmp_path / "conv.pt")).save(nn.Conv2d(1, 1, 1))


def test_a_failed_save_leaves_the_previous_file_intact(tmp_path, segmenter, monkeypatch):
    path = tmp_path / "segmenter.pt"
    dataset = TorchModelDataset(filepath=str(path))
    dataset.save(segmenter)
    before = path.read_bytes()

    def crash(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", crash)
    with pytest.raises(DatasetError, match="disk full"):
        dataset.save(segmenter)

    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["segmenter.pt"]


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(DatasetError, match="absent.pt"):
        TorchModelDataset(filepath=str(tmp_path / "absent.pt")).load()
