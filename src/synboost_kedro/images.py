"""Turning whatever a user calls an image into ``[H, W, 3]`` uint8 RGB (Kedro-free).

Grey, palette and alpha images are converted; 16-bit image files (``I`` modes) are scaled by
their own maximum, as the datasets read such files. An integer *array* must already hold 0..255:
scaling it silently would hide a wrong input. Files are checked against a pixel limit from their
header, before anything is decoded.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

#: Pillow modes accepted as colour images; ``I*`` modes are high-bit-depth grey.
COLOUR_MODES = frozenset(
    {"RGB", "RGBA", "RGBX", "L", "LA", "P", "PA", "1", "I", "I;16", "I;16B", "I;16L", "CMYK"}
    | {"YCbCr"}
)


def rgb_array(image: np.ndarray | Image.Image) -> np.ndarray:
    """``image`` as a new or shared ``[H, W, 3]`` uint8 RGB array.

    Args:
        image: A PIL image of a mode in :data:`COLOUR_MODES`, or an integer array ``[H, W]``
            (grey), ``[H, W, 1]``, ``[H, W, 3]`` (RGB) or ``[H, W, 4]`` (RGBA, alpha dropped).

    Raises:
        ValueError: unsupported mode, shape or dtype, negative values, or an empty image.
    """
    if isinstance(image, Image.Image):
        if image.mode not in COLOUR_MODES:
            raise ValueError(f"unsupported image mode '{image.mode}' for an RGB image")
        high_bit_depth = image.mode.startswith("I")
        try:
            array = np.asarray(image if high_bit_depth else image.convert("RGB"))
        except OSError as error:  # a truncated or corrupt file behind the PIL object
            raise ValueError(f"the image cannot be decoded ({error})") from None
        return _rgb_from_array(array, scale_high_bit_depth=high_bit_depth)
    if isinstance(image, np.ndarray):
        return _rgb_from_array(image, scale_high_bit_depth=False)
    raise ValueError(f"expected a numpy array or a PIL image, got {type(image).__name__}")


def _rgb_from_array(array: np.ndarray, scale_high_bit_depth: bool) -> np.ndarray:
    if array.ndim == 3 and array.shape[2] in (1, 3, 4):
        array = array[..., :3]
    elif array.ndim != 2:
        raise ValueError(
            f"expected an [H, W] grey or [H, W, 3|4] colour image, got shape {array.shape}"
        )
    if array.size == 0:
        raise ValueError(f"the image is empty (shape {array.shape})")
    if not np.issubdtype(array.dtype, np.integer):
        raise ValueError(
            f"expected integer pixel values (uint8, or 16-bit grey), got {array.dtype}; "
            "convert float images with (x * 255).astype(np.uint8)"
        )
    if array.dtype != np.uint8:
        low, high = int(array.min()), int(array.max())
        if low < 0:
            raise ValueError(f"pixel values must not be negative, found {low}")
        if high > 255 and not scale_high_bit_depth:
            raise ValueError(
                f"integer pixel values must lie in 0..255, found {low}..{high}; scale the "
                "image to 8 bits (e.g. (x * 255 // x.max()).astype(np.uint8)) before passing it"
            )
        scale = 255.0 / high if high > 255 else 1.0
        array = (array * scale).astype(np.uint8)
    if array.ndim == 2 or array.shape[2] == 1:
        array = np.repeat(array.reshape(*array.shape[:2], 1), 3, axis=2)
    return array


def checked_rgb(image: np.ndarray | Image.Image, name: str, max_pixels: int) -> np.ndarray:
    """:func:`rgb_array` of ``image``, refusing images over ``max_pixels``; errors name ``name``.

    Raises:
        ValueError: ``image`` is not a usable image or is too large; the message names it.
    """
    try:
        array = rgb_array(image)
    except ValueError as error:
        raise ValueError(f"'{name}': {error}") from None
    height, width = array.shape[:2]
    if height * width > max_pixels:
        raise ValueError(
            f"'{name}' has {width}x{height} = {height * width} pixels, more than the "
            f"detector's limit max_pixels = {max_pixels}; downscale it or raise the limit"
        )
    return array


class ImageReadError(ValueError):
    """An image file is missing, unreadable, truncated, or larger than allowed."""


def read_image_file(path: str | os.PathLike, max_pixels: int | None = None) -> np.ndarray:
    """The image file at ``path`` as ``[H, W, 3]`` uint8 RGB (see :func:`rgb_array`).

    Args:
        path: The file.
        max_pixels: Largest accepted height × width, checked from the file's header before the
            pixels are decoded; ``None`` leaves only Pillow's decompression-bomb guard.

    Raises:
        ImageReadError: the file is missing, not an image, truncated, too large or of an
            unsupported mode; the message names the file and the reason.
    """
    path = Path(path)
    if not path.is_file():
        raise ImageReadError(f"'{path}': file not found")
    try:
        with Image.open(path) as image:  # reads the header only
            width, height = image.size
            if max_pixels is not None and width * height > max_pixels:
                raise ImageReadError(
                    f"'{path}' declares {width}x{height} = {width * height} pixels, more than the "
                    f"limit max_pixels = {max_pixels}; it was not decoded"
                )
            image.load()
            return rgb_array(image)
    except ImageReadError:
        raise
    except Image.DecompressionBombError as error:
        raise ImageReadError(
            f"'{path}' declares more pixels than can be decoded safely ({error}); it was not "
            "decoded"
        ) from None
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as error:
        raise ImageReadError(f"'{path}': unreadable or truncated image ({error})") from None
