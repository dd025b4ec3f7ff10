import io
import os
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from synboost_kedro.models.checkpoints import (
    CheckpointMismatchError,
    MissingWeightsError,
    UnsafeCheckpointError,
    load_strictly,
    read_state_dict,
    unwrap_state_dict,
)


def _snapshot(state: dict[str, torch.Tensor]) -> dict:
    return {
        "state_dict": {f"module.{key}": value for key, value in state.items()},
        "optimizer": {"state": {}, "param_groups": [{"lr": 0.01}]},
        "epoch": np.int64(3),
        "mean_iu": np.float64(0.8),
        "command": "train.py",
    }


def test_a_snapshot_with_numpy_scalars_loads_with_the_prefix_stripped_and_loss_keys_dropped(
    tmp_path: Path,
):
    weight = torch.randn(2, 3)
    path = tmp_path / "snapshot.pth"
    torch.save(_snapshot({"fc.weight": weight, "criterion.nll.weight": torch.ones(19)}), path)

    state = read_state_dict(path, "test", drop_prefixes=("criterion.",))

    assert list(state) == ["fc.weight"]
    assert torch.equal(state["fc.weight"], weight)


def test_a_legacy_format_file_written_with_numpy_1_loads(tmp_path: Path):
    buffer = io.BytesIO()
    torch.save(
        _snapshot({"fc.bias": torch.arange(3.0)}), buffer, _use_new_zipfile_serialization=False
    )
    # NumPy 1.x (which wrote the 2019 release) pickled scalars via numpy.core, not numpy._core.
    legacy = buffer.getvalue().replace(b"numpy._core.multiarray", b"numpy.core.multiarray")
    assert b"numpy.core.multiarray" in legacy
    path = tmp_path / "legacy.pth"
    path.write_bytes(legacy)

    state = read_state_dict(path, "test")

    assert torch.equal(state["fc.bias"], torch.arange(3.0))


class _Payload:
    def __reduce__(self):
        return (os.getcwd, ())


def test_arbitrary_pickled_objects_are_refused(tmp_path: Path):
    path = tmp_path / "evil.pth"
    torch.save({"state_dict": {"fc.bias": torch.zeros(1)}, "extra": _Payload()}, path)

    with pytest.raises(
        UnsafeCheckpointError, match="evil.pth' is not a safe test checkpoint"
    ) as error:
        read_state_dict(path, "test")
    assert "it would run the Python object posix.getcwd" in str(error.value)
    assert "weights_only" not in str(error.value)


def test_a_file_that_is_not_a_checkpoint_is_named(tmp_path: Path):
    path = tmp_path / "latest_net_G.pth"
    path.write_text("<html>404 Not Found</html>")

    with pytest.raises(ValueError, match="latest_net_G.pth' is not a safe"):
        read_state_dict(path, "SynBoost synthesis generator")


def test_a_missing_file_is_named(tmp_path: Path):
    path = tmp_path / "models" / "image-segmentation" / "cityscapes_best.pth"

    with pytest.raises(MissingWeightsError, match="cityscapes_best.pth"):
        read_state_dict(path, "SynBoost segmentation")


def test_strict_loading_names_missing_unexpected_and_misshapen_keys():
    network = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    state = dict(network.state_dict())
    state.pop("1.running_var")
    state["1.runing_mean"] = state.pop("1.running_mean")
    state["0.bias"] = torch.zeros(5)

    with pytest.raises(CheckpointMismatchError) as error:
        load_strictly(network, state, "release.pth")

    message = str(error.value)
    assert "release.pth" in message
    assert "missing keys: 1.running_mean, 1.running_var" in message
    assert "unexpected keys: 1.runing_mean" in message
    assert "0.bias (5,) (expected (2,))" in message


def test_strict_loading_copies_every_tensor():
    source = nn.Linear(3, 2)
    target = nn.Linear(3, 2)

    load_strictly(target, source.state_dict(), "release.pth")

    assert torch.equal(target.weight, source.weight) and torch.equal(target.bias, source.bias)


def test_non_tensor_entries_are_rejected():
    with pytest.raises(ValueError, match=r"'x.pth' is not a state dict: entries \['epoch'\]"):
        unwrap_state_dict({"conv.weight": torch.zeros(1), "epoch": 3}, "x.pth")
