from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from kedro.io.core import DatasetError
from PIL import Image

from synboost_kedro.datasets.original_processed import (
    OriginalProcessedDataset,
    normalised_frame_id,
)

ALL_FIELDS = ["image", "label", "semantic", "synthesis", "entropy", "distance", "perceptual"]
# One frame id is a prefix of the other, so pairing must match whole ids.
FRAMES = ("aachen_000000_000019", "aachen_000000_000019_2")


def _names(frame_id: str) -> dict[str, str]:
    """The file names the original scripts write for one training frame (docs/method.md, "Processed
    dataset layout")."""
    original = f"{frame_id}_unknown_leftImg8bit.png"
    return {
        "original": original,
        "labels": f"{frame_id}_gtFine_unknown.png",
        "semantic": f"{frame_id}_unknown_trainIds.png",
        "synthesis": f"{frame_id}_unknown_labelIds.png",
        "entropy": f"entropy_{original}",
        "logit_distance": f"distance_{original}",
        "mae_features": f"mea_{original}",
    }


def _write(path: Path, array: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path)


def _processed_root(root: Path) -> Path:
    for index, frame_id in enumerate(FRAMES):
        names = _names(frame_id)
        _write(root / "original" / names["original"], np.full((4, 8, 3), index, np.uint8))
        _write(root / "labels" / names["labels"], np.full((4, 8), index, np.uint8))
        _write(root / "semantic" / names["semantic"], np.full((4, 8), 13 + index, np.uint8))
        _write(root / "synthesis" / names["synthesis"], np.full((2, 4, 3), index, np.uint8))
        for folder, value in (("entropy", 10), ("logit_distance", 20), ("mae_features", 30)):
            _write(root / folder / names[folder], np.full((2, 4), value + index, np.uint8))
    return root


@pytest.mark.parametrize(
    "name",
    [
        "aachen_000000_000019_unknown_leftImg8bit.png",
        "aachen_000000_000019_gtFine_unknown.png",
        "aachen_000000_000019_unknown_trainIds.png",
        "mea_aachen_000000_000019_unknown_leftImg8bit.png",
        "entropy_aachen_000000_000019_leftImg8bit.png",
        "distance_aachen_000000_000019.jpg",
        "pred_mask_aachen_000000_000019.png",
        "aachen_000000_000019_gtCoarse_labelTrainIds.png",
    ],
)
def test_normalised_frame_id(name: str):
    assert normalised_frame_id(name) == "aachen_000000_000019"


def test_loads_every_folder_paired_by_frame_id(tmp_path: Path):
    frames = OriginalProcessedDataset(str(_processed_root(tmp_path)), ALL_FIELDS).load()
    assert sorted(frames) == sorted(FRAMES)
    frame = frames["aachen_000000_000019_2"]()
    assert frame.frame_id == "aachen_000000_000019_2"
    assert frame.image.shape == (4, 8, 3) and frame.image.max() == 1
    assert frame.label.max() == 1 and frame.semantic.max() == 14
    assert frame.synthesis.shape == (2, 4, 3)
    assert (frame.entropy.max(), frame.distance.max(), frame.perceptual.max()) == (11, 21, 31)


def test_folder_override_selects_a_label_variant(tmp_path: Path):
    root = _processed_root(tmp_path)
    for frame_id in FRAMES:
        _write(root / "labels_with_ROI" / f"{frame_id}.png", np.full((4, 8), 255, np.uint8))
    dataset = OriginalProcessedDataset(str(root), ["image", "label"], {"label": "labels_with_ROI"})
    assert dataset.load()[FRAMES[0]]().label.min() == 255


# Bad input.


def test_missing_partner_names_the_lonely_file_and_folder(tmp_path: Path):
    root = _processed_root(tmp_path)
    (root / "mae_features" / _names(FRAMES[1])["mae_features"]).unlink()
    with pytest.raises(
        DatasetError, match=r"000019_2_unknown_leftImg8bit.png' has no partner .*mae"
    ):
        OriginalProcessedDataset(str(root), ALL_FIELDS).load()


def test_extra_file_names_itself(tmp_path: Path):
    root = _processed_root(tmp_path)
    _write(root / "entropy" / "entropy_bonn_000001_000019.png", np.zeros((2, 4), np.uint8))
    with pytest.raises(DatasetError, match="entropy_bonn_000001_000019.png' has no partner"):
        OriginalProcessedDataset(str(root), ALL_FIELDS).load()


def test_two_files_of_one_frame_are_refused(tmp_path: Path):
    root = _processed_root(tmp_path)
    _write(root / "labels" / f"{FRAMES[0]}.png", np.zeros((4, 8), np.uint8))
    with pytest.raises(DatasetError, match=f"both belong to frame '{FRAMES[0]}'"):
        OriginalProcessedDataset(str(root), ["image", "label"]).load()


def test_wrong_size_is_refused(tmp_path: Path):
    root = _processed_root(tmp_path)
    _write(root / "labels" / _names(FRAMES[0])["labels"], np.zeros((5, 8), np.uint8))
    loader = OriginalProcessedDataset(str(root), ["image", "label"]).load()[FRAMES[0]]
    with pytest.raises(DatasetError, match="files of different sizes"):
        loader()


@pytest.mark.parametrize(
    ("folder", "field", "value", "message"),
    [
        ("labels", "label", 2, r"values \[2\] that are not anomaly labels"),
        ("semantic", "semantic", 19, r"values \[19\] that are not train ids"),
    ],
)
def test_unknown_ids_are_refused(tmp_path: Path, folder: str, field: str, value: int, message: str):
    root = _processed_root(tmp_path)
    _write(root / folder / _names(FRAMES[0])[folder], np.full((4, 8), value, np.uint8))
    loader = OriginalProcessedDataset(str(root), ["image", field]).load()[FRAMES[0]]
    with pytest.raises(DatasetError, match=message):
        loader()


def test_empty_and_missing_folders_are_named(tmp_path: Path):
    (tmp_path / "original").mkdir()
    with pytest.raises(DatasetError, match="No images in .*original"):
        OriginalProcessedDataset(str(tmp_path), ["image"]).load()
    with pytest.raises(DatasetError, match="labels' is not a folder"):
        OriginalProcessedDataset(str(tmp_path), ["label"]).load()


def test_bad_configuration_and_saving_are_refused(tmp_path: Path):
    with pytest.raises(DatasetError, match=r"Unknown original-layout fields \['label_ids'\]"):
        OriginalProcessedDataset(str(tmp_path), ["image", "label_ids"])
    with pytest.raises(DatasetError, match=r"Folder overrides \['label'\] name fields not loaded"):
        OriginalProcessedDataset(str(tmp_path), ["image"], {"label": "labels_with_ROI"})
    with pytest.raises(DatasetError, match="never written"):
        OriginalProcessedDataset(str(tmp_path), ["image"]).save({})
