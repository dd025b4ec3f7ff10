"""A folder of a user's images as lazy loaders by name, Kedro-free (the ``inference`` pipeline's
``ImageFolderDataset`` and ``synboost-kedro predict`` both read folders through it)."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from synboost_kedro.images import read_image_file

logger = logging.getLogger(__name__)

#: File suffixes read as images (case-insensitive); other files are skipped with a warning.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".ppm", ".tif", ".tiff", ".webp")

ImageLoader = Callable[[], np.ndarray]


def image_folder_loaders(
    folder: str | os.PathLike, recursive: bool = False
) -> dict[str, ImageLoader]:
    """``{name: loader}`` of every image of ``folder``, sorted by name.

    ``name`` is the file name without its suffix (with ``recursive``, the path relative to
    ``folder`` without suffix). Files whose suffix is not in :data:`IMAGE_SUFFIXES` are skipped
    with a warning naming them. A loader returns ``[H, W, 3]`` uint8 RGB and takes an optional
    ``max_pixels`` (see :func:`~synboost_kedro.images.read_image_file`).

    Raises:
        FileNotFoundError: the folder does not exist.
        ValueError: the folder holds no image, or two images share a name.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"Image folder '{folder}' does not exist")
    files = sorted(
        path
        for path in (folder.rglob("*") if recursive else folder.iterdir())
        if path.is_file() and not path.name.startswith(".")
    )
    images = [path for path in files if path.suffix.lower() in IMAGE_SUFFIXES]
    skipped = [path.name for path in files if path not in images]
    if skipped:
        logger.warning(
            "Skipping %d file(s) of '%s' that are not images (%s): %s",
            len(skipped),
            folder,
            ", ".join(IMAGE_SUFFIXES),
            skipped[:5],
        )
    if not images:
        raise ValueError(
            f"Image folder '{folder}' holds no image (suffixes {', '.join(IMAGE_SUFFIXES)})"
        )
    loaders: dict[str, ImageLoader] = {}
    for path in images:
        name = path.relative_to(folder).with_suffix("").as_posix()
        if name in loaders:
            raise ValueError(f"Image folder '{folder}' has two images named '{name}'; rename one")
        loaders[name] = functools.partial(read_image_file, path)
    return loaders
