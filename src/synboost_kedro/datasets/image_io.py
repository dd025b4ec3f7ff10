"""Reading and writing of the image files every dataset stores, with errors that name the file."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from kedro.io.core import DatasetError
from PIL import Image, UnidentifiedImageError

from synboost_kedro.images import ImageReadError, read_image_file
from synboost_kedro.utils import atomic_path

# Pillow modes accepted for label and id maps.
_INTEGER_MAP_MODES = {"L", "P", "I", "I;16", "I;16B", "I;16L"}


def read_rgb(path: str | os.PathLike) -> np.ndarray:
    """Read a colour image as ``[H, W, 3]`` uint8 RGB.

    Grey, palette and alpha images are converted; 16-bit grey is scaled to 8 bits.

    Raises:
        DatasetError: as :func:`~synboost_kedro.images.read_image_file`, naming the file.
    """
    try:
        return read_image_file(path)
    except ImageReadError as error:
        raise DatasetError(str(error)) from None


def read_integer_map(path: str | os.PathLike, dtype: type = np.uint8) -> np.ndarray:
    """Read a single-channel label or id map as ``[H, W]`` of ``dtype``.

    Raises:
        DatasetError: the file is missing, unreadable, truncated, or not a single-channel image, or
            its values do not fit ``dtype``.
    """
    with _open(path) as image:
        if image.mode not in _INTEGER_MAP_MODES:
            raise DatasetError(
                f"'{path}': expected a single-channel label image, found mode '{image.mode}'"
            )
        values = np.asarray(image)
    info = np.iinfo(dtype)
    if values.size and (values.min() < info.min or values.max() > info.max):
        raise DatasetError(
            f"'{path}': values {values.min()}..{values.max()} do not fit {np.dtype(dtype).name}"
        )
    return values.astype(dtype, copy=False)


def write_image(path: str | os.PathLike, array: np.ndarray, **save_args: object) -> None:
    """Write ``array`` atomically; uint16/int32 maps become 16-bit PNGs, uint8 maps 8-bit."""
    if array.ndim == 2 and array.dtype != np.uint8:
        if array.min() < 0 or array.max() > np.iinfo(np.uint16).max:
            raise ValueError(f"'{path}': values do not fit a 16-bit PNG")
        image = Image.fromarray(array.astype(np.uint16))
    else:
        image = Image.fromarray(np.ascontiguousarray(array))
    with atomic_path(path) as tmp:
        image.save(tmp, **save_args)


class _open:  # noqa: N801 - used like the built-in ``open``
    """Open an image and force decoding, so truncated files fail here with their name."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)

    def __enter__(self) -> Image.Image:
        if not self.path.is_file():
            raise DatasetError(f"'{self.path}': file not found")
        try:
            self.image = Image.open(self.path)
            self.image.load()
        except (
            OSError,
            UnidentifiedImageError,
            SyntaxError,
            Image.DecompressionBombError,
        ) as error:
            raise DatasetError(f"'{self.path}': unreadable or truncated image ({error})") from error
        return self.image

    def __exit__(self, *exc: object) -> None:
        self.image.close()
