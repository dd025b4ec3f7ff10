"""``synboost-kedro predict``: a saved detector on a folder of images, in both output formats."""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from PIL import Image

from synboost_kedro.__main__ import cli
from synboost_kedro.commands import DEFAULT_MODEL
from synboost_kedro.inference import AnomalyDetector
from synboost_kedro.inference.outputs import OUTPUT_KINDS, SUMMARY_FILE
from tests.conftest import PROJECT_ROOT, street_image, tiny_detector

NAMES = ("a", "b")


@pytest.fixture(scope="module")
def model_and_images(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("predict")
    tiny_detector().save(root / "model")
    (root / "images").mkdir()
    for seed, name in enumerate(NAMES):
        Image.fromarray(street_image(40 + seed, 72, seed)).save(root / "images" / f"{name}.png")
    return root / "model", root / "images"


def _predict(*args: str) -> object:
    return CliRunner().invoke(cli, ["predict", *args, "--device", "cpu"])


def test_writes_every_output_of_each_image(model_and_images, tmp_path, one_torch_thread):
    model, images = model_and_images

    result = _predict(str(images), str(tmp_path), "--model", str(model))

    assert result.exit_code == 0, result.output
    assert "outputs of 2 image(s)" in result.output
    detector = AnomalyDetector.load(model, device="cpu")
    for name in NAMES:
        for kind in OUTPUT_KINDS:
            assert (tmp_path / kind / f"{name}.png").is_file(), (kind, name)
        expected = detector(np.asarray(Image.open(images / f"{name}.png")))
        np.testing.assert_allclose(
            np.load(tmp_path / "anomaly" / f"{name}.npy"), expected, atol=1e-5
        )
    assert (tmp_path / SUMMARY_FILE).is_file()


def test_smiyc_format_writes_one_float16_score_file_per_frame(model_and_images, tmp_path):
    model, images = model_and_images

    result = _predict(str(images), str(tmp_path), "--model", str(model), "--format", "smiyc")

    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in tmp_path.glob("*.hdf5")) == ["a.hdf5", "b.hdf5"]
    with h5py.File(tmp_path / "b.hdf5") as file:
        assert file["value"].dtype == np.float16 and file["value"].shape == (41, 72)


def test_a_bad_image_is_skipped_and_listed(model_and_images, tmp_path):
    model, images = model_and_images
    folder = tmp_path / "images"
    folder.mkdir()
    (folder / "a.png").write_bytes((images / "a.png").read_bytes())
    (folder / "broken.png").write_bytes(b"\x89PNG not really")

    result = _predict(
        str(folder), str(tmp_path / "out"), "--model", str(model), "--format", "smiyc"
    )

    assert result.exit_code == 0, result.output
    assert "outputs of 1 image(s)" in result.output and "skipped 1" in result.output
    summary = json.loads((tmp_path / "out" / SUMMARY_FILE).read_text())
    assert summary["written"] == ["a"]
    assert "broken.png': unreadable" in summary["skipped"]["broken"]
    strict = _predict(str(folder), str(tmp_path / "out"), "--model", str(model), "--strict")
    assert strict.exit_code == 1 and "broken.png': unreadable" in strict.output


def test_default_model_is_where_the_inference_pipeline_saves_it(tmp_path, monkeypatch):
    catalog = yaml.safe_load((PROJECT_ROOT / "conf/base/catalog.yml").read_text())
    assert catalog["anomaly_detector"]["filepath"] == DEFAULT_MODEL
    monkeypatch.chdir(tmp_path)

    result = _predict("images", "out")

    assert result.exit_code == 1
    assert f"No saved detector in '{DEFAULT_MODEL}'" in result.output


def test_missing_input_folder_is_named(model_and_images, tmp_path):
    model, _ = model_and_images

    result = _predict(str(tmp_path / "nowhere"), str(tmp_path / "out"), "--model", str(model))

    assert result.exit_code == 1
    assert f"Error: Image folder '{tmp_path / 'nowhere'}' does not exist" in result.output
