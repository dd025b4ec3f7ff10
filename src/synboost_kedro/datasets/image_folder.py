"""A folder of a user's images, loaded lazily, for the ``inference`` pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kedro.io.core import AbstractDataset, DatasetError

from synboost_kedro.storage.image_folder import ImageLoader, image_folder_loaders


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
        try:
            return image_folder_loaders(self._path, self._recursive)
        except (FileNotFoundError, ValueError) as error:
            raise DatasetError(str(error)) from None

    def save(self, data: Any) -> None:
        raise DatasetError(f"ImageFolderDataset '{self._path}' is read-only")

    def _exists(self) -> bool:
        return self._path.is_dir()

    def _describe(self) -> dict[str, Any]:
        return {"path": str(self._path), "recursive": self._recursive}
