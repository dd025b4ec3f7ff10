"""The one way every weight file is read: safely, unwrapped once, loaded strictly.

Every checkpoint the project reads (its own model files, training states, the original SynBoost
release, torchvision's ImageNet weights) goes through :func:`read_checkpoint`, which unpickles
with ``weights_only=True``: tensors, plain containers and NumPy scalars only, never an arbitrary
object. A file that needs more is refused as unsafe, named, and never with advice to turn the
safety off. Foreign files (the release was saved from ``DataParallel`` networks inside training
containers) are reduced to a plain state dict by :func:`unwrap_state_dict` and filled into a
network by :func:`load_strictly`, which names every key that does not fit.
"""

from __future__ import annotations

import os
import pickle
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

DATA_PARALLEL_PREFIX = "module."

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


class CheckpointMismatchError(ValueError):
    """A checkpoint's keys or shapes differ from the network it should be loaded into."""


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


def unwrap_state_dict(
    stored: Any, source: str, drop_prefixes: Iterable[str] = ()
) -> dict[str, torch.Tensor]:
    """The plain state dict inside whatever container a foreign checkpoint used.

    Accepts a bare state dict or a ``{'state_dict': ...}`` training container, strips
    ``DataParallel``'s ``module.`` prefix and drops keys starting with ``drop_prefixes`` (e.g.
    the loss module's ``criterion.`` tensors).

    Raises:
        ValueError: no mapping of names to tensors was found; the message names ``source``.
    """
    if isinstance(stored, Mapping) and isinstance(stored.get("state_dict"), Mapping):
        stored = stored["state_dict"]
    if not isinstance(stored, Mapping) or not stored:
        raise ValueError(f"'{source}' does not hold a state dict (a mapping of names to tensors)")
    not_tensors = sorted(
        str(key) for key, value in stored.items() if not isinstance(value, torch.Tensor)
    )
    if not_tensors:
        raise ValueError(
            f"'{source}' is not a state dict: entries {not_tensors[:5]} are not tensors"
        )
    drop_prefixes = tuple(drop_prefixes)
    stripped = {key.removeprefix(DATA_PARALLEL_PREFIX): value for key, value in stored.items()}
    return {key: value for key, value in stripped.items() if not key.startswith(drop_prefixes)}


def read_state_dict(
    path: str | os.PathLike,
    description: str,
    how_to_get: str = "",
    drop_prefixes: Iterable[str] = (),
) -> dict[str, torch.Tensor]:
    """:func:`read_checkpoint` then :func:`unwrap_state_dict`: the weights of a foreign file."""
    stored = read_checkpoint(path, description, how_to_get)
    return unwrap_state_dict(stored, str(path), drop_prefixes)


def load_strictly(network: nn.Module, state_dict: Mapping[str, torch.Tensor], source: str) -> None:
    """Load ``state_dict`` into ``network``, failing with every mismatching key named.

    Raises:
        CheckpointMismatchError: a key is missing or unexpected, or a shape differs; the
            message names ``source`` and each offending key.
    """
    expected = network.state_dict()
    missing = [key for key in expected if key not in state_dict]
    unexpected = [key for key in state_dict if key not in expected]
    wrong_shapes = [
        f"{key} {tuple(state_dict[key].shape)} (expected {tuple(tensor.shape)})"
        for key, tensor in expected.items()
        if key in state_dict and state_dict[key].shape != tensor.shape
    ]
    problems = [
        f"{label}: {', '.join(keys)}"
        for label, keys in (
            ("missing keys", missing),
            ("unexpected keys", unexpected),
            ("shape mismatches", wrong_shapes),
        )
        if keys
    ]
    if problems:
        raise CheckpointMismatchError(
            f"'{source}' does not fit {type(network).__name__}: " + "; ".join(problems)
        )
    network.load_state_dict(dict(state_dict), strict=True)
