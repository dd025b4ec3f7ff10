"""A folder of a user's images, loaded lazily, for the ``inference`` pipeline."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from kedro.io.core import AbstractDataset, DatasetError

from synboost_kedro.images import read_image_file

logger = logging.getLogger(__name__)

#: File suffixes read as images (case-insensitive); other files are skipped with a warning.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".ppm", ".tif", ".tiff", ".webp")

ImageLoader = Callable[[], np.ndarray]


class ImageFolderDataset(AbstractDataset[Any, dict[str, ImageLoader]]):
    """The images of one folder as ``{name: loader}``, each loader returning ``[H, W, 3]`` uint8.

    ``name`` is the file name without its suffix. Images of any mode are accepted (grey,
    palette, alpha and 16-bit files are converted to RGB). Files whose suffix is not an image
    suffix are skipped with a warning naming them. A loader takes an optional ``max_pixels``,
    checked from the file's header before decoding; a file that cannot be decoded or is too
    large raises :class:`~synboost_kedro.images.ImageReadError` naming it. Read-only.

    Example catalog entry::

        inference_images:
          type: synboost_kedro.datasets.image_folder.ImageFolderDataset
          path: ${runtime_params:inference.input_dir, data/01_raw/inference}

    Args:
        path: The folder.
        recursive: Also read sub-folders; names are then relative paths without suffix.
        metadata: Free-form metadata, ignored by the dataset.
    """

    def __init__(
        self, path: str, recursive: bool = False, metadata: dict[str, Any] | None = None
    ) -> None:
        self._path = Path(path)
        self._recursive = recursive
        self.metadata = metadata

    def load(self) -> dict[str, ImageLoader]:
        """``{name: loader}`` of every image, sorted by name.

        Raises:
            DatasetError: the folder is missing or holds no image, or two files share a name.
        """
        if not self._path.is_dir():
            raise DatasetError(f"Image folder '{self._path}' does not exist")
        files = sorted(
            path
            for path in (self._path.rglob("*") if self._recursive else self._path.iterdir())
            if path.is_file() and not path.name.startswith(".")
        )
        images = [path for path in files if path.suffix.lower() in IMAGE_SUFFIXES]
        skipped = [path.name for path in files if path not in images]
        if skipped:
            logger.warning(
                "Skipping %d file(s) of '%s' that are not images (%s): %s",
                len(skipped),
                self._path,
                ", ".join(IMAGE_SUFFIXES),
                skipped[:5],
            )
        if not images:
            raise DatasetError(
                f"Image folder '{self._path}' holds no image (suffixes {', '.join(IMAGE_SUFFIXES)})"
            )
        loaders: dict[str, ImageLoader] = {}
        for path in images:
            name = path.relative_to(self._path).with_suffix("").as_posix()
            if name in loaders:
                raise DatasetError(
                    f"Image folder '{self._path}' has two images named '{name}'; rename one"
                )
            loaders[name] = functools.partial(read_image_file, path)
        return loaders

    def save(self, data: Any) -> None:
        raise DatasetError(f"ImageFolderDataset '{self._path}' is read-only")

    def _exists(self) -> bool:
        return self._path.is_dir()

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._path), "recursive": self._recursive}
