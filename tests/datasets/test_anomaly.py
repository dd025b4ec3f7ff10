from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from kedro.io.core import DatasetError
from PIL import Image

from synboost_kedro.datasets import AnomalyBenchmarkDataset
from synboost_kedro.frames import AnomalyFrame
from synboost_kedro.preparation import to_anomaly_frame


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
    np.testing.assert_array_equal(frame.raw_label, _frame("f1").mask)
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


# Official downloads, written by hand in their own formats (never through the dataset's save).


def _write(path: Path, array: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path)


def _image(height: int = 4, width: int = 6) -> np.ndarray:
    return np.random.default_rng(1).integers(0, 256, (height, width, 3), dtype=np.uint8)


LAF_RAW = np.array([[0, 1, 1, 2, 2, 255]] * 4, dtype=np.uint8)
LAF_FRAMES = {
    "02_Hanns_Klemm_Str_44": "02_Hanns_Klemm_Str_44_000000_000080",
    "04_Maurener_Weg_8": "04_Maurener_Weg_8_000002_000140",
}


def _lost_and_found(root: Path, split: str = "test") -> None:
    for city, frame_id in LAF_FRAMES.items():
        _write(root / f"leftImg8bit/{split}/{city}/{frame_id}_leftImg8bit.png", _image())
        _write(root / f"gtCoarse/{split}/{city}/{frame_id}_gtCoarse_labelTrainIds.png", LAF_RAW)
        # The download's other label files must not be mistaken for frames.
        _write(root / f"gtCoarse/{split}/{city}/{frame_id}_gtCoarse_labelIds.png", LAF_RAW)


def _road_anomaly(root: Path) -> None:
    for name in ("animals01_cow", "cones03"):
        _write(root / f"frames/{name}.jpg", _image())
        _write(
            root / f"frames/{name}.labels/labels_semantic.png",
            np.array([[0, 1, 2] * 2] * 4, np.uint8),
        )


def test_lost_and_found_download_loads_raw_train_ids_per_split(tmp_path: Path):
    _lost_and_found(tmp_path, "test")
    _lost_and_found(tmp_path, "train")
    frames = AnomalyBenchmarkDataset(str(tmp_path), "lost_and_found", split="test").load()
    assert sorted(frames) == sorted(LAF_FRAMES.values())
    raw = frames["04_Maurener_Weg_8_000002_000140"]()
    assert raw.label_format == "lost_and_found" and raw.image.shape == (4, 6, 3)
    np.testing.assert_array_equal(raw.raw_label, LAF_RAW)
    np.testing.assert_array_equal(to_anomaly_frame(raw).mask[0], [0, 0, 0, 1, 1, 255])


def test_road_anomaly_download_converts_value_2_to_anomaly(tmp_path: Path):
    _road_anomaly(tmp_path)
    frames = AnomalyBenchmarkDataset(str(tmp_path), "road_anomaly").load()
    assert sorted(frames) == ["animals01_cow", "cones03"]
    np.testing.assert_array_equal(to_anomaly_frame(frames["cones03"]()).mask[0], [0, 0, 1] * 2)


@pytest.mark.parametrize("layout", ["smiyc_obstacle", "fishyscapes"])
def test_common_mask_downloads_pass_through(tmp_path: Path, layout: str):
    """RoadObstacle21 keeps its off-road region as 255; Fishyscapes (L&F and Static) as is."""
    suffix = ".webp" if layout == "smiyc_obstacle" else ".png"
    label = "labels_masks/f1_labels_semantic.png" if layout == "smiyc_obstacle" else "labels/f1.png"
    raw = np.array([[255, 255, 0, 0, 1, 1]] * 4, dtype=np.uint8)
    _write(tmp_path / f"images/f1{suffix}", _image())
    _write(tmp_path / label, raw)
    frame = to_anomaly_frame(AnomalyBenchmarkDataset(str(tmp_path), layout).load()["f1"]())
    np.testing.assert_array_equal(frame.mask, raw)


# Bad input.


def test_lost_and_found_missing_label_names_the_file(tmp_path: Path):
    _lost_and_found(tmp_path)
    missing = tmp_path / "gtCoarse/test/04_Maurener_Weg_8/04_Maurener_Weg_8_000002_000140"
    Path(f"{missing}_gtCoarse_labelTrainIds.png").unlink()
    with pytest.raises(DatasetError, match="has no label .*000140_gtCoarse_labelTrainIds.png"):
        AnomalyBenchmarkDataset(str(tmp_path), "lost_and_found", split="test").load()


def test_label_without_image_is_refused(tmp_path: Path):
    _road_anomaly(tmp_path)
    (tmp_path / "frames/cones03.jpg").unlink()
    with pytest.raises(DatasetError, match="cones03.labels/labels_semantic.png' has no image"):
        AnomalyBenchmarkDataset(str(tmp_path), "road_anomaly").load()


def test_wrong_size_names_both_files(tmp_path: Path):
    _road_anomaly(tmp_path)
    _write(tmp_path / "frames/cones03.labels/labels_semantic.png", np.zeros((3, 6), np.uint8))
    loader = AnomalyBenchmarkDataset(str(tmp_path), "road_anomaly").load()["cones03"]
    with pytest.raises(DatasetError, match="labels_semantic.png' is 6x3 but its image .* is 6x4"):
        loader()


def test_unknown_label_values_name_the_file(tmp_path: Path):
    _lost_and_found(tmp_path)
    city, frame_id = next(iter(LAF_FRAMES.items()))
    bad = tmp_path / f"gtCoarse/test/{city}/{frame_id}_gtCoarse_labelTrainIds.png"
    _write(bad, np.full((4, 6), 7, np.uint8))
    loader = AnomalyBenchmarkDataset(str(tmp_path), "lost_and_found", split="test").load()[frame_id]
    with pytest.raises(DatasetError, match=r"labelTrainIds.png' holds values \[7\]"):
        loader()


def test_empty_split_folder_names_layout(tmp_path: Path):
    (tmp_path / "leftImg8bit/test").mkdir(parents=True)
    with pytest.raises(DatasetError, match=r"No '\*_leftImg8bit.png' images .*'lost_and_found'"):
        AnomalyBenchmarkDataset(str(tmp_path), "lost_and_found", split="test").load()


def test_duplicate_frame_ids_across_cities_are_refused(tmp_path: Path):
    _lost_and_found(tmp_path)
    frame_id = LAF_FRAMES["04_Maurener_Weg_8"]
    _write(tmp_path / f"leftImg8bit/test/elsewhere/{frame_id}_leftImg8bit.png", _image())
    with pytest.raises(DatasetError, match=f"'{frame_id}' appears twice"):
        AnomalyBenchmarkDataset(str(tmp_path), "lost_and_found", split="test").load()


@pytest.mark.parametrize("layout", ["lost_and_found", "road_anomaly"])
def test_official_downloads_are_read_only(tmp_path: Path, layout: str):
    with pytest.raises(DatasetError, match=f"Layout '{layout}' is read-only"):
        AnomalyBenchmarkDataset(str(tmp_path), layout).save({"f1": _frame("f1")})
    assert not any(tmp_path.iterdir())


def test_hidden_test_labels_can_be_skipped(tmp_path: Path):
    """SegmentMeIfYouCan ships its test images without labels."""
    _write(tmp_path / "images/validation0001.jpg", _image())
    _write(tmp_path / "labels_masks/validation0001_labels_semantic.png", np.zeros((4, 6), np.uint8))
    _write(tmp_path / "images/test0001.jpg", _image())
    with pytest.raises(DatasetError, match="test0001.jpg' has no label .*skip_unlabelled"):
        AnomalyBenchmarkDataset(str(tmp_path), "smiyc_anomaly").load()
    dataset = AnomalyBenchmarkDataset(str(tmp_path), "smiyc_anomaly", skip_unlabelled=True)
    assert list(dataset.load()) == ["validation0001"]
    (tmp_path / "labels_masks/validation0001_labels_semantic.png").unlink()
    with pytest.raises(DatasetError, match="No image in .* has a label"):
        dataset.load()


def test_lost_and_found_label_ids_are_read_as_segment_me_if_you_can_reads_them(tmp_path: Path):
    """0 is outside the region of interest, 1 free road, every other id an obstacle class."""
    city, frame_id = next(iter(LAF_FRAMES.items()))
    _write(tmp_path / f"leftImg8bit/test/{city}/{frame_id}_leftImg8bit.png", _image())
    label_ids = np.array([[0, 1, 2, 17, 200, 1]] * 4, dtype=np.uint8)
    _write(tmp_path / f"gtCoarse/test/{city}/{frame_id}_gtCoarse_labelIds.png", label_ids)
    dataset = AnomalyBenchmarkDataset(str(tmp_path), "lost_and_found_label_ids", split="test")

    frame = to_anomaly_frame(dataset.load()[frame_id]())

    np.testing.assert_array_equal(frame.mask[0], [255, 0, 1, 1, 1, 0])
    _write(tmp_path / f"gtCoarse/test/{city}/{frame_id}_gtCoarse_labelIds.png", label_ids + 55)
    with pytest.raises(DatasetError, match=r"values \[255\] .*\(allowed: 0\.\.200\)"):
        dataset.load()[frame_id]()


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        (["images/f1.jpg", "labels/f1.png"], r"'.*images/f1.jpg' is not a '\*.png' image"),
        (["photos/f1.png"], r"'.*photos/f1.png' is not a '\*.png' image"),
        (["images/f1.png"], "No label folder '.*labels'"),
        (["images/f1.png", "labels/f2.png"], "'.*f1.png' has no label"),
        ([], "No folder"),
    ],
)
def test_a_folder_not_in_its_format_names_a_file_and_the_expected_layout(
    tmp_path: Path, files: list[str], problem: str
):
    root = tmp_path / "benchmark"
    for name in files:
        _write(root / name, np.zeros((4, 6), np.uint8))
    expected = r"the 'fishyscapes' format expects images/<id>.png with labels/<id>.png under"

    with pytest.raises(DatasetError, match=f"{problem}.*: {expected}"):
        AnomalyBenchmarkDataset(str(root), "fishyscapes").load()
