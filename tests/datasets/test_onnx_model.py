"""OnnxModelDataset: round trip, atomic write, and errors naming the file."""

from __future__ import annotations

from pathlib import Path

import onnx
import pytest
from kedro.io.core import DatasetError
from onnx import TensorProto, helper

from synboost_kedro.datasets.onnx_model import OnnxModelDataset


def _identity_model() -> onnx.ModelProto:
    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])],
        "identity",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])],
    )
    return helper.make_model(graph)


def test_round_trip_creates_the_folder_and_leaves_no_temporary_file(tmp_path: Path):
    dataset = OnnxModelDataset(str(tmp_path / "onnx" / "net.onnx"))
    assert not dataset.exists()
    dataset.save(_identity_model())
    assert dataset.exists()
    assert dataset.load() == _identity_model()
    assert [path.name for path in (tmp_path / "onnx").iterdir()] == ["net.onnx"]


def test_missing_or_corrupt_files_and_wrong_data_are_named(tmp_path: Path):
    path = tmp_path / "net.onnx"
    with pytest.raises(DatasetError, match="net.onnx' does not exist"):
        OnnxModelDataset(str(path)).load()
    path.write_bytes(b"not an onnx model \x00\xff")
    with pytest.raises(DatasetError, match="net.onnx' is not an ONNX model"):
        OnnxModelDataset(str(path)).load()
    with pytest.raises(DatasetError, match=r"Only an onnx.ModelProto .* got bytes"):
        OnnxModelDataset(str(path)).save(b"bytes")
