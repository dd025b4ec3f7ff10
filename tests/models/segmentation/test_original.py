from pathlib import Path

import pytest
import torch

from synboost_kedro.models.checkpoints import CheckpointMismatchError, MissingWeightsError
from synboost_kedro.models.segmentation import create_segmentation_model
from synboost_kedro.models.segmentation.original import from_original_checkpoint
from tests.models.conftest import Release, save_original_style_release


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    return save_original_style_release(tmp_path_factory.mktemp("models"), seed=3, synthesis=False)


def test_the_released_snapshot_loads_every_tensor_in_eval_mode(release: Release):
    network = from_original_checkpoint(release.segmentation)

    assert not network.training
    loaded = network.state_dict()
    assert loaded.keys() == release.segmentation_state.keys()
    assert all(torch.equal(loaded[key], value) for key, value in release.segmentation_state.items())
    with torch.inference_mode():
        logits = network(torch.randn(1, 3, 32, 48))
    assert logits.shape == (1, 19, 32, 48)
    assert torch.isfinite(logits).all()


def test_a_snapshot_with_a_renamed_key_fails_naming_it(tmp_path: Path):
    state = {
        "module.mod1.conv1.weight": torch.zeros(64, 3, 3, 3),
        "module.mod1.conv1.weigth": torch.zeros(1),
    }
    path = tmp_path / "cityscapes_best.pth"
    torch.save({"state_dict": state, "epoch": 1}, path)

    with pytest.raises(CheckpointMismatchError) as error:
        create_segmentation_model("wrn38_deeplabv3plus", checkpoint_path=path)

    message = str(error.value)
    assert "unexpected keys: mod1.conv1.weigth" in message
    assert "missing keys: mod2.block1.bn1.0.weight" in message
    assert "mod1.conv1.weight," not in message.split("unexpected", maxsplit=1)[0]


def test_a_missing_file_names_the_expected_path(tmp_path: Path):
    path = tmp_path / "models" / "image-segmentation" / "cityscapes_best.pth"

    with pytest.raises(MissingWeightsError, match=str(path)):
        from_original_checkpoint(path)
