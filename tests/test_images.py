"""Conversion of every accepted image form to RGB uint8, and the errors for the rest."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from synboost_kedro.images import rgb_array

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


def test_deep_grey_is_scaled_by_its_maximum():
    deep = np.array([[0, 1000], [2000, 4000]], np.uint16)

    for image in (deep, Image.fromarray(deep)):
        converted = rgb_array(image)
        assert converted.dtype == np.uint8 and converted[..., 0].tolist() == [[0, 63], [127, 255]]


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
