"""The one safe reader of torch files, and a scan that keeps unsafe reads out of the source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch

from synboost_kedro.utils.checkpoint_files import (
    MissingWeightsError,
    UnsafeCheckpointError,
    read_checkpoint,
)
from tests.conftest import PROJECT_ROOT

#: Ways to unpickle arbitrary objects; none may appear in the package.
UNSAFE = re.compile(r"weights_only\s*=\s*False|pickle\.loads?\(|\bUnpickler\(|marshal\.loads?\(")


def test_no_source_file_unpickles_arbitrary_objects():
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}"
        for path in sorted((PROJECT_ROOT / "src").rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if UNSAFE.search(line)
    ]
    assert offenders == []


def test_tensors_and_plain_containers_are_read(tmp_path: Path):
    path = tmp_path / "state.pt"
    torch.save({"w": torch.ones(2), "meta": {"epoch": 3, "names": ["a"]}}, path)

    state = read_checkpoint(path, "training state")

    assert torch.equal(state["w"], torch.ones(2)) and state["meta"] == {"epoch": 3, "names": ["a"]}


def test_a_missing_file_says_how_to_get_it(tmp_path: Path):
    with pytest.raises(MissingWeightsError, match=r"nowhere.pt.*never downloads.*Copy it"):
        read_checkpoint(tmp_path / "nowhere.pt", "ImageNet weights", "Copy it here.")


def test_a_file_that_is_not_a_torch_file_is_refused_naming_it(tmp_path: Path):
    path = tmp_path / "page.pt"
    path.write_text("<html>404</html>")

    with pytest.raises(UnsafeCheckpointError, match="page.pt' is not a safe weights checkpoint"):
        read_checkpoint(path, "weights")
