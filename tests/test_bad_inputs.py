"""The corpus of hostile and careless inputs (issue 15's probe): each case fails with an error that
names its culprit, never advises turning safety off, and leaves nothing torn on disk.

Cases tested where their code lives are listed in ELSEWHERE, so this file is the index.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from synboost_kedro.datasets import ProcessedDataset
from synboost_kedro.frames import ProcessedFrame
from synboost_kedro.images import ImageReadError, read_image_file
from synboost_kedro.models.encoders.vgg import build_vgg_features
from synboost_kedro.models.model_file import read_model_file
from synboost_kedro.models.perceptual import PerceptualDifference
from synboost_kedro.pipelines.inference.nodes import inference_settings
from synboost_kedro.utils.checkpoint_files import UnsafeCheckpointError
from tests.pipelines.conftest import MAP_PARAMS

ELSEWHERE = {
    "crafted distributed job folder": "tests/parallel/test_launch.py",
    "non-plain-data job": "tests/parallel/test_launch.py",
    "bad image inside an inference batch": "tests/pipelines/inference/test_pipeline.py",
    "strict inference stops at the first bad image": "tests/pipelines/inference/test_pipeline.py",
    "decompression bomb, real 10000x10000 PNG": "tests/test_images.py",
    "int64 image up to 1020, truncated PIL image": "tests/inference/test_detector.py",
    "interrupted map rebuild": "tests/storage/test_processed_set.py",
    "killed training resumes bit-identically": "tests/training/test_dissimilarity.py",
    "killed rank, resume with another process count": "tests/training/test_distributed.py",
    "unknown keys in every parameter section": "tests/test_settings.py",
}


class _Payload:
    def __reduce__(self):
        return (os.getcwd, ())


@pytest.fixture
def evil(tmp_path: Path) -> Path:
    path = tmp_path / "evil.pth"
    torch.save({"features.0.weight": _Payload()}, path)
    return path


@pytest.mark.parametrize(
    "read",
    [
        pytest.param(lambda path: build_vgg_features("vgg16", path), id="vgg_weights_path"),
        pytest.param(PerceptualDifference, id="perceptual.weights"),
        pytest.param(read_model_file, id="model file"),
    ],
)
def test_an_unsafe_checkpoint_is_refused_naming_the_file_without_advising_unsafe_loading(
    evil: Path, read
):
    with pytest.raises(UnsafeCheckpointError, match=r"evil.pth' is not a safe .*posix.getcwd"):
        read(evil)
    with pytest.raises(UnsafeCheckpointError) as error:
        read(evil)
    assert "weights_only" not in str(error.value)


def test_an_unknown_inference_key_names_the_closest(tmp_path: Path):
    params = {"batch_size": 1, "max_pixels": 10, "max_pixel": 5}
    with pytest.raises(ValueError, match="'max_pixel' \\(did you mean 'max_pixels'\\?\\)"):
        inference_settings(MAP_PARAMS, {"entropy": 1.0}, params)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "unreadable or truncated"),
        (b"GIF89a\x01\x00\x01\x00", "unreadable or truncated"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "unreadable or truncated"),
    ],
)
def test_empty_foreign_and_broken_image_files_are_named(tmp_path: Path, content, message):
    path = tmp_path / "culprit.png"
    path.write_bytes(content)
    with pytest.raises(ImageReadError, match=f"culprit.png.*{message}"):
        read_image_file(path)


def test_a_failed_map_write_keeps_the_frames_before_it_and_leaves_no_torn_file(tmp_path: Path):
    dataset = ProcessedDataset(str(tmp_path), ["entropy"])
    good = ProcessedFrame("a", entropy=np.zeros((4, 4), np.uint8))
    with pytest.raises(Exception, match="Frame 'b' has no 'entropy'"):
        dataset.save({"a": good, "b": ProcessedFrame("b", image=np.zeros((4, 4, 3), np.uint8))})

    assert sorted(p.name for p in (tmp_path / "entropy").iterdir()) == ["a.png"]
    assert np.asarray(Image.open(tmp_path / "entropy" / "a.png")).shape == (4, 4)


def test_every_listed_case_points_at_an_existing_test_file():
    root = Path(__file__).resolve().parents[1]
    assert all((root / path).is_file() for path in ELSEWHERE.values())
