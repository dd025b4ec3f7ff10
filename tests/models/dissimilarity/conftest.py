"""Tiny inputs and the original state-dict manifests for the dissimilarity tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from synboost_kedro.models.dissimilarity import random_inputs

MANIFEST_NAMES = {
    "ours": "dissim_state_dict_manifest.tsv",
    "baseline": "dissim_state_dict_manifest_baseline.tsv",
}


def find_reference_dir() -> Path | None:
    """``shared/reference`` beside the checkout (or inside it), searched upwards from here."""
    for parent in Path(__file__).resolve().parents:
        for candidate in (parent / "shared" / "reference", parent.parent / "shared" / "reference"):
            if (candidate / MANIFEST_NAMES["ours"]).is_file():
                return candidate
    return None


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    found = find_reference_dir()
    if found is None:
        pytest.skip("shared/reference with the state-dict manifests is not beside this checkout")
    return found


def read_manifest(path: Path) -> tuple[list[tuple[str, tuple[int, ...]]], int]:
    """(key, shape) rows in file order and the declared total parameter count."""
    rows, total = [], None
    for line in path.read_text().splitlines()[1:]:
        key, shape = line.split("\t")
        if key == "# total_parameters":
            total = int(shape)
            continue
        dims = shape.strip("[]").split(",")
        rows.append((key, tuple(int(dim) for dim in dims if dim.strip())))
    assert total is not None, f"{path} has no total_parameters line"
    return rows, total


make_inputs = random_inputs


@pytest.fixture(autouse=True)
def _single_thread(one_torch_thread: None) -> None:
    """The CI machine is shared; one thread keeps these tiny tests predictable."""
