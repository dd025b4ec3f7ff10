"""The one safe reader of torch files: weights, checkpoints, training states and job tensors.

``torch.load`` runs with ``weights_only=True`` and only NumPy scalars allow-listed besides, so a
file can hold tensors and plain containers, never an object whose unpickling runs code. A file
that needs more is refused as unsafe and named, and the error never suggests turning the safety
off (torch's own message does).
"""

from __future__ import annotations

import os
import pickle
import re
from pathlib import Path
from typing import Any

import numpy as np
import torch

# The pickled form of a NumPy scalar is ``scalar(dtype, bytes)``; the original release stores
# its validation mIoU as one. NumPy 1.x files name the reconstructor
# ``numpy.core.multiarray.scalar``, NumPy 2 renamed the module.
_NUMPY_SCALAR_GLOBALS = [
    np._core.multiarray.scalar,
    (np._core.multiarray.scalar, "numpy.core.multiarray.scalar"),
    np.dtype,
    np.dtypes.Float64DType,
    np.dtypes.Int64DType,
]
_UNSUPPORTED_GLOBAL = re.compile(r"unsupported GLOBAL (\S+)", re.IGNORECASE)


class MissingWeightsError(FileNotFoundError):
    """A configured weights or checkpoint file does not exist."""


class UnsafeCheckpointError(ValueError):
    """A file is not a checkpoint that can be read without running pickled code."""


def read_checkpoint(
    path: str | os.PathLike, description: str, how_to_get: str = "", mmap: bool = False
) -> Any:
    """Unpickle ``path`` allowing only tensors, plain containers and NumPy scalars.

    Args:
        path: A local file; nothing is ever downloaded.
        description: What the file is, for error messages (e.g. "ImageNet VGG16 weights").
        how_to_get: One sentence telling the user how to obtain a missing file.
        mmap: Map the tensors instead of reading them (cheap inspection of large files).

    Raises:
        MissingWeightsError: ``path`` does not exist; the message names it.
        UnsafeCheckpointError: the file is not a safe checkpoint (it needs other Python
            objects, or is not a torch file at all); the message names it and the reason.
    """
    path = Path(path)
    if not path.is_file():
        raise MissingWeightsError(
            f"{description} not found at '{path}'. This project never downloads weights. "
            f"{how_to_get}".rstrip()
        )
    try:
        with torch.serialization.safe_globals(_NUMPY_SCALAR_GLOBALS):
            return torch.load(path, map_location="cpu", weights_only=True, mmap=mmap)
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError) as error:
        raise UnsafeCheckpointError(
            f"'{path}' is not a safe {description} checkpoint: {_reason(error)}. Only tensors, "
            "plain containers and NumPy scalars are read; re-save the file as a state dict"
        ) from None


def _reason(error: Exception) -> str:
    found = _UNSUPPORTED_GLOBAL.search(str(error))
    if found:
        return f"it would run the Python object {found.group(1)}"
    if "weights_only" in str(error):
        # Torch's own advice is to turn the safety off; never pass that on.
        return "it holds Python objects other than tensors"
    return str(error).splitlines()[0] if str(error) else type(error).__name__
