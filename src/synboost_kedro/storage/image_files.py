"""Reading and writing the image files of stored sets, Kedro-free, with errors naming the file.

Maps with a fixed ``[0, 1]`` range are 8-bit PNGs, as the original stores them. Unbounded scores
(the logit baselines) are float16 ``.npy`` files: 8 bits would need a range fixed in advance and
tie thousands of pixels, and a per-image range would reorder pixels across images, which is what
the set-wide AP measures (docs/evaluation.md, "Storage precision of the baselines").
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from synboost_kedro.images import ImageReadError, read_image_file
from synboost_kedro.utils import atomic_path, atomic_write_bytes

#: The dtype of stored float maps: SegmentMeIfYouCan's (and this project's score maps').
FLOAT_MAP_DTYPE = np.dtype(np.float16)

# Pillow modes accepted for label and id maps.
_INTEGER_MAP_MODES = {"L", "P", "I", "I;16", "I;16B", "I;16L"}

read_rgb = read_image_file


def read_integer_map(path: str | os.PathLike, dtype: type = np.uint8) -> np.ndarray:
    """Read a single-channel label or id map as ``[H, W]`` of ``dtype``.

    Raises:
        ImageReadError: the file is missing, unreadable, truncated, or not a single-channel
            image, or its values do not fit ``dtype``.
    """
    path = Path(path)
    if not path.is_file():
        raise ImageReadError(f"'{path}': file not found")
    try:
        with Image.open(path) as image:
            image.load()
            if image.mode not in _INTEGER_MAP_MODES:
                raise ImageReadError(
                    f"'{path}': expected a single-channel label image, found mode '{image.mode}'"
                )
            values = np.asarray(image)
    except (OSError, UnidentifiedImageError, SyntaxError, Image.DecompressionBombError) as error:
        raise ImageReadError(f"'{path}': unreadable or truncated image ({error})") from None
    info = np.iinfo(dtype)
    if values.size and (values.min() < info.min or values.max() > info.max):
        raise ImageReadError(
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


def read_float_map(path: str | os.PathLike) -> np.ndarray:
    """Read a ``[H, W]`` float map written by :func:`write_float_map`.

    Raises:
        ImageReadError: the file is missing, unreadable or truncated, or not a 2-D float array.
    """
    path = Path(path)
    if not path.is_file():
        raise ImageReadError(f"'{path}': file not found")
    try:
        values = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as error:
        raise ImageReadError(f"'{path}': unreadable or truncated float map ({error})") from None
    if values.ndim != 2 or values.dtype.kind != "f":
        raise ImageReadError(
            f"'{path}': expected a [H, W] float map, found {values.dtype} of shape {values.shape}"
        )
    return values


def write_float_map(path: str | os.PathLike, array: np.ndarray) -> None:
    """Write a ``[H, W]`` float map atomically as :data:`FLOAT_MAP_DTYPE` ``.npy``.

    Raises:
        ValueError: the map is not 2-D, or holds values that are not finite in that dtype.
    """
    stored = np.asarray(array, dtype=FLOAT_MAP_DTYPE)
    if stored.ndim != 2:
        raise ValueError(f"'{path}': a float map must be [H, W], got shape {stored.shape}")
    if not np.isfinite(stored).all():
        raise ValueError(f"'{path}': values are not finite as {FLOAT_MAP_DTYPE.name}")
    buffer = io.BytesIO()
    np.save(buffer, stored)
    atomic_write_bytes(path, buffer.getvalue())
