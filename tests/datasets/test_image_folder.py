"""ImageFolderDataset: lazy loaders by name, every image mode to RGB, clear errors."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
from kedro.io.core import DatasetError
from PIL import Image

from synboost_kedro.datasets.image_folder import ImageFolderDataset
from synboost_kedro.images import ImageReadError

RGB = np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3)


def _write(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    Image.fromarray(RGB).save(folder / "colour.png")
    Image.fromarray(RGB).save(folder / "photo.JPG", quality=95)
    Image.fromarray(RGB[..., 0]).save(folder / "grey.png")
    Image.fromarray(RGB).convert("P").save(folder / "palette.png")
    Image.fromarray(RGB[..., 0].astype(np.uint16) * 200).save(folder / "deep.png")
    Image.fromarray(np.dstack([RGB, RGB[..., :1]])).save(folder / "alpha.png")


def test_loads_every_image_lazily_as_rgb_by_name(tmp_path):
    _write(tmp_path)

    loaders = ImageFolderDataset(str(tmp_path)).load()

    assert list(loaders) == ["alpha", "colour", "deep", "grey", "palette", "photo"]
    for name, load in loaders.items():
        image = load()
        assert image.shape == (4, 6, 3) and image.dtype == np.uint8, name
    np.testing.assert_array_equal(loaders["colour"](), RGB)
    np.testing.assert_array_equal(loaders["alpha"](), RGB)
    grey = loaders["grey"]()
    np.testing.assert_array_equal(grey[..., 0], grey[..., 2])
    assert loaders["deep"]().max() == 255  # 16-bit scaled by its maximum


def test_non_image_files_are_skipped_with_a_warning(tmp_path, caplog):
    _write(tmp_path)
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / ".DS_Store").write_bytes(b"\0")

    with caplog.at_level(logging.WARNING):
        loaders = ImageFolderDataset(str(tmp_path)).load()

    assert "notes" not in loaders and len(loaders) == 6
    assert "notes.txt" in caplog.text


def test_undecodable_image_fails_naming_the_file(tmp_path):
    (tmp_path / "broken.png").write_bytes(b"\x89PNG not really")

    loaders = ImageFolderDataset(str(tmp_path)).load()

    with pytest.raises(ImageReadError, match="broken.png': unreadable"):
        loaders["broken"]()


def test_loaders_check_the_pixel_limit_before_decoding(tmp_path):
    Image.fromarray(RGB).save(tmp_path / "frame.png")
    load = ImageFolderDataset(str(tmp_path)).load()["frame"]

    with pytest.raises(ImageReadError, match=r"frame.png' declares \d+x\d+ = \d+ pixels"):
        load(max_pixels=RGB.shape[0] * RGB.shape[1] - 1)
    assert load(max_pixels=RGB.shape[0] * RGB.shape[1]).shape == RGB.shape


@pytest.mark.parametrize("content", [[], ["readme.md"]], ids=["empty", "no-images"])
def test_folder_without_images_fails_naming_it(tmp_path, content):
    for name in content:
        (tmp_path / name).write_text("x")

    with pytest.raises(DatasetError, match=f"'{tmp_path}' holds no image"):
        ImageFolderDataset(str(tmp_path)).load()


def test_missing_folder_duplicate_names_and_saving_fail(tmp_path):
    with pytest.raises(DatasetError, match="does not exist"):
        ImageFolderDataset(str(tmp_path / "absent")).load()
    Image.fromarray(RGB).save(tmp_path / "frame.png")
    Image.fromarray(RGB).save(tmp_path / "frame.jpg")
    with pytest.raises(DatasetError, match="two images named 'frame'"):
        ImageFolderDataset(str(tmp_path)).load()
    with pytest.raises(DatasetError, match="read-only"):
        ImageFolderDataset(str(tmp_path)).save({"frame": RGB})


def test_recursive_names_are_relative_paths(tmp_path):
    _write(tmp_path / "city" / "day")

    loaders = ImageFolderDataset(str(tmp_path), recursive=True).load()

    assert "city/day/colour" in loaders
    assert not ImageFolderDataset(str(tmp_path / "absent"), recursive=True).exists()
