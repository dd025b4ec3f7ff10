from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from kedro.io.core import DatasetError
from PIL import Image

from synboost_kedro.cityscapes import colourise_label_ids
from synboost_kedro.datasets import CityscapesDataset
from synboost_kedro.datasets.cityscapes import SYNTHETIC_MARKER, city_of
from tests.conftest import make_frame

FRAME_IDS = ("bad-honnef_000001_000019", "testcity_000000_000019", "testcity_000000_000020")


@pytest.fixture
def saved(tmp_path: Path) -> CityscapesDataset:
    dataset = CityscapesDataset(root=str(tmp_path / "cs"), split="train")
    # Reverse order: pairing must not depend on the order frames were written or listed.
    dataset.save({fid: make_frame(fid, seed=i) for i, fid in enumerate(reversed(FRAME_IDS))})
    return dataset


def _path(dataset: CityscapesDataset, frame_id: str, suffix: str) -> Path:
    folder = dataset.image_dir if suffix == "_leftImg8bit.png" else dataset.label_dir
    return folder / city_of(frame_id) / f"{frame_id}{suffix}"


def test_round_trip_matches_by_frame_id(saved: CityscapesDataset):
    loaders = saved.load()
    assert list(loaders) == sorted(FRAME_IDS)
    for i, frame_id in enumerate(reversed(FRAME_IDS)):
        expected = make_frame(frame_id, seed=i)
        frame = loaders[frame_id]()
        assert frame.frame_id == frame_id
        np.testing.assert_array_equal(frame.image, expected.image)
        np.testing.assert_array_equal(frame.label_ids, expected.label_ids)
        np.testing.assert_array_equal(frame.instance_ids, expected.instance_ids)


def test_layout_is_the_cityscapes_one(saved: CityscapesDataset):
    frame_id = FRAME_IDS[1]
    for suffix in (
        "_leftImg8bit.png",
        "_gtFine_labelIds.png",
        "_gtFine_instanceIds.png",
        "_gtFine_color.png",
    ):
        assert _path(saved, frame_id, suffix).is_file()
    colour = np.asarray(Image.open(_path(saved, frame_id, "_gtFine_color.png")))
    np.testing.assert_array_equal(colour, colourise_label_ids(make_frame(frame_id).label_ids))
    assert Image.open(_path(saved, frame_id, "_gtFine_instanceIds.png")).mode.startswith("I")


def test_missing_partner_names_the_file(saved: CityscapesDataset):
    missing = _path(saved, FRAME_IDS[0], "_gtFine_instanceIds.png")
    missing.unlink()
    with pytest.raises(DatasetError, match=str(missing.name)):
        saved.load()


def test_label_without_image_names_the_file(saved: CityscapesDataset):
    orphan = _path(saved, FRAME_IDS[0], "_leftImg8bit.png")
    orphan.unlink()
    with pytest.raises(DatasetError, match="has no image"):
        saved.load()


def test_truncated_png_names_the_file(saved: CityscapesDataset):
    image_path = _path(saved, FRAME_IDS[1], "_leftImg8bit.png")
    image_path.write_bytes(image_path.read_bytes()[:60])
    loader = saved.load()[FRAME_IDS[1]]
    with pytest.raises(DatasetError, match=image_path.name):
        loader()


def test_colour_label_map_is_refused(saved: CityscapesDataset):
    label_path = _path(saved, FRAME_IDS[1], "_gtFine_labelIds.png")
    Image.new("RGB", (16, 8)).save(label_path)
    with pytest.raises(DatasetError, match="single-channel"):
        saved.load()[FRAME_IDS[1]]()


def test_unknown_label_ids_are_refused(saved: CityscapesDataset):
    label_path = _path(saved, FRAME_IDS[1], "_gtFine_labelIds.png")
    Image.fromarray(np.full((8, 16), 77, dtype=np.uint8)).save(label_path)
    with pytest.raises(DatasetError, match=r"not Cityscapes label ids: \[77\]"):
        saved.load()[FRAME_IDS[1]]()


def test_size_mismatch_is_refused(saved: CityscapesDataset):
    label_path = _path(saved, FRAME_IDS[1], "_gtFine_labelIds.png")
    Image.fromarray(np.zeros((4, 4), dtype=np.uint8)).save(label_path)
    with pytest.raises(DatasetError, match="4x4"):
        saved.load()[FRAME_IDS[1]]()


def test_missing_split_explains_how_to_fix(tmp_path: Path):
    with pytest.raises(DatasetError, match="cityscapes_root"):
        CityscapesDataset(root=str(tmp_path), split="val").load()


def test_never_overwrites_a_real_cityscapes_root(saved: CityscapesDataset, tmp_path: Path):
    (tmp_path / "cs" / SYNTHETIC_MARKER).unlink()
    with pytest.raises(DatasetError, match="Refusing to write"):
        saved.save({FRAME_IDS[0]: make_frame(FRAME_IDS[0])})


def test_saves_lazily_from_callables(tmp_path: Path):
    dataset = CityscapesDataset(root=str(tmp_path / "cs"), split="val")
    dataset.save({FRAME_IDS[1]: lambda: make_frame(FRAME_IDS[1])})
    assert list(dataset.load()) == [FRAME_IDS[1]]
