from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from kedro.io.core import DatasetError
from PIL import Image

from synboost_kedro.datasets import AnomalyBenchmarkDataset
from synboost_kedro.frames import AnomalyFrame


def _frame(frame_id: str) -> AnomalyFrame:
    rng = np.random.default_rng(0)
    mask = np.zeros((8, 16), dtype=np.uint8)
    mask[2:4, 3:7] = 1
    mask[0] = 255
    return AnomalyFrame(frame_id, rng.integers(0, 256, (8, 16, 3), dtype=np.uint8), mask)


@pytest.mark.parametrize(
    ("layout", "image_name", "mask_name"),
    [
        ("fishyscapes", "images/f1.png", "labels/f1.png"),
        ("smiyc_anomaly", "images/f1.jpg", "labels_masks/f1_labels_semantic.png"),
        ("smiyc_obstacle", "images/f1.webp", "labels_masks/f1_labels_semantic.png"),
    ],
)
def test_round_trip_in_official_layout(
    tmp_path: Path, layout: str, image_name: str, mask_name: str
):
    dataset = AnomalyBenchmarkDataset(path=str(tmp_path), layout=layout)
    dataset.save({"f1": _frame("f1")})
    assert (tmp_path / image_name).is_file() and (tmp_path / mask_name).is_file()
    frame = dataset.load()["f1"]()
    np.testing.assert_array_equal(frame.mask, _frame("f1").mask)
    if layout == "fishyscapes":  # lossless
        np.testing.assert_array_equal(frame.image, _frame("f1").image)


def test_unknown_layout(tmp_path: Path):
    with pytest.raises(DatasetError, match="Unknown benchmark layout 'kitti'"):
        AnomalyBenchmarkDataset(path=str(tmp_path), layout="kitti")


def test_empty_folder(tmp_path: Path):
    with pytest.raises(DatasetError, match="No '\\*.png' images"):
        AnomalyBenchmarkDataset(path=str(tmp_path), layout="fishyscapes").load()


def test_missing_mask_names_the_file(tmp_path: Path):
    dataset = AnomalyBenchmarkDataset(path=str(tmp_path), layout="fishyscapes")
    dataset.save({"f1": _frame("f1")})
    (tmp_path / "labels/f1.png").unlink()
    with pytest.raises(DatasetError, match="labels/f1.png"):
        dataset.load()


def test_unexpected_mask_values_are_refused(tmp_path: Path):
    dataset = AnomalyBenchmarkDataset(path=str(tmp_path), layout="fishyscapes")
    dataset.save({"f1": _frame("f1")})
    Image.fromarray(np.full((8, 16), 2, dtype=np.uint8)).save(tmp_path / "labels/f1.png")
    with pytest.raises(DatasetError, match=r"values \[2\]"):
        dataset.load()["f1"]()


def test_grey_and_sixteen_bit_images_load_as_rgb(tmp_path: Path):
    dataset = AnomalyBenchmarkDataset(path=str(tmp_path), layout="fishyscapes")
    dataset.save({"f1": _frame("f1")})
    Image.fromarray(np.full((8, 16), 4000, dtype=np.uint16)).save(tmp_path / "images/f1.png")
    frame = dataset.load()["f1"]()
    assert frame.image.shape == (8, 16, 3) and frame.image.dtype == np.uint8
    assert frame.image.max() == 255
