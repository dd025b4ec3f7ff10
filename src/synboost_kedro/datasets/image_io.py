"""The stored image files as the catalog's datasets read them: errors become ``DatasetError``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from kedro.io.core import DatasetError

from synboost_kedro.images import ImageReadError
from synboost_kedro.storage import image_files
from synboost_kedro.storage.image_files import write_image

__all__ = ["read_integer_map", "read_rgb", "write_image"]


def _as_dataset_error(read: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(read)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return read(*args, **kwargs)
        except ImageReadError as error:
            raise DatasetError(str(error)) from None

    return wrapped


read_rgb = _as_dataset_error(image_files.read_rgb)
read_integer_map = _as_dataset_error(image_files.read_integer_map)
