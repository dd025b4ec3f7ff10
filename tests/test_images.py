"""Conversion of every accepted image form to RGB uint8, and the errors for the rest."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from synboost_kedro.images import ImageReadError, read_image_file, rgb_array

RGB = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3) * 10


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        (RGB, RGB),
        (np.dstack([RGB, np.zeros((2, 3), np.uint8)]), RGB),
        (RGB[..., 0], np.repeat(RGB[..., :1], 3, axis=2)),
        (RGB[..., :1], np.repeat(RGB[..., :1], 3, axis=2)),
        (Image.fromarray(RGB), RGB),
        (Image.fromarray(RGB).convert("RGBA"), RGB),
    ],
)
def test_colour_grey_and_alpha_images_become_rgb(image, expected):
    np.testing.assert_array_equal(rgb_array(image), expected)


def test_a_deep_grey_image_file_is_scaled_by_its_maximum_but_an_array_must_be_8_bit():
    deep = np.array([[0, 1000], [2000, 4000]], np.uint16)

    converted = rgb_array(Image.fromarray(deep))

    assert converted.dtype == np.uint8 and converted[..., 0].tolist() == [[0, 63], [127, 255]]
    with pytest.raises(ValueError, match=r"must lie in 0\.\.255, found 0\.\.4000"):
        rgb_array(deep)
    assert rgb_array(np.array([[0, 255]], np.int64))[..., 0].tolist() == [[0, 255]]


def test_palette_images_are_expanded():
    palette = Image.fromarray(RGB).convert("P")

    np.testing.assert_array_equal(rgb_array(palette), np.asarray(palette.convert("RGB")))


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (np.zeros((2, 2), np.float32), "integer pixel values"),
        (np.full((2, 2), -1, np.int32), "negative"),
        (np.zeros((2, 2, 2), np.uint8), "shape"),
        (np.zeros((0, 2), np.uint8), "empty"),
        (Image.new("F", (2, 2)), "unsupported image mode"),
        ([[0, 1]], "numpy array or a PIL image"),
    ],
)
def test_other_inputs_fail_naming_the_problem(image, message):
    with pytest.raises(ValueError, match=message):
        rgb_array(image)


def _png_declaring(path: Path, width: int, height: int) -> Path:
    """A valid small PNG whose header claims ``width`` x ``height`` (a decompression bomb)."""
    Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(path)
    data = bytearray(path.read_bytes())
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[12:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(header))
    path.write_bytes(bytes(data))
    return path


def test_a_file_too_large_is_refused_from_its_header_naming_it(tmp_path: Path):
    path = _png_declaring(tmp_path / "bomb.png", 100_000, 100_000)

    for limit in (4096 * 4096, None):
        with pytest.raises(ImageReadError, match=r"bomb.png' declares .*not decoded"):
            read_image_file(path, max_pixels=limit)


def test_a_real_large_file_is_refused_before_decoding(tmp_path: Path):
    path = tmp_path / "large.png"
    Image.new("L", (10_000, 10_000)).save(path)  # compresses to about 100 KB

    with pytest.raises(ImageReadError, match=r"large.png' declares 10000x10000"):
        read_image_file(path, max_pixels=1_000_000)


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "file not found"), (b"not an image", "unreadable or truncated")],
)
def test_missing_and_broken_files_are_named(tmp_path: Path, content, message):
    path = tmp_path / "broken.png"
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(ImageReadError, match=f"broken.png.*{message}"):
        read_image_file(path)


def test_a_truncated_file_fails_naming_it_on_disk_and_as_a_pil_object(tmp_path: Path):
    path = tmp_path / "cut.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), np.uint8)).save(path)
    path.write_bytes(path.read_bytes()[:400])

    with pytest.raises(ImageReadError, match="cut.png': unreadable or truncated"):
        read_image_file(path)
    with Image.open(path) as opened, pytest.raises(ValueError, match="cannot be decoded"):
        rgb_array(opened)
