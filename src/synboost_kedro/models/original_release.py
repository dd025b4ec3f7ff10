"""Loading the original SynBoost release files (``models.tar``) safely and strictly.

The release was written by the original training code: the segmentation checkpoint is a
container ``{'state_dict', 'optimizer', 'epoch', 'mean_iu', 'command'}`` saved from a
DataParallel-wrapped network (every key starts with ``module.``) and ``mean_iu`` is a NumPy
scalar; the synthesis checkpoints are bare state dicts. Files are unpickled with
``weights_only=True`` and only the NumPy scalar types allow-listed, never arbitrary objects.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterable

import numpy as np
import torch
from torch import nn

from synboost_kedro.models.weights import load_local_state_dict

RELEASE_HOW_TO_GET = (
    "Extract the SynBoost release (models.tar from the authors' README) and point the "
    "configuration at the file."
)

# The pickled form of a NumPy scalar is ``scalar(dtype, bytes)``; NumPy 1.x files (the 2019
# release) name the reconstructor ``numpy.core.multiarray.scalar``, NumPy 2 renamed the module.
_NUMPY_SCALAR_GLOBALS = [
    np._core.multiarray.scalar,
    (np._core.multiarray.scalar, "numpy.core.multiarray.scalar"),
    np.dtype,
    np.dtypes.Float64DType,
    np.dtypes.Int64DType,
]


class CheckpointMismatchError(ValueError):
    """A checkpoint's keys or shapes differ from the network it should be loaded into."""


def load_original_state_dict(
    path: str | os.PathLike,
    description: str,
    strip_prefix: str = "module.",
    drop_prefixes: Iterable[str] = (),
) -> dict[str, torch.Tensor]:
    """Read the state dict of an original release file.

    Args:
        path: The checkpoint file; a container with a ``state_dict`` entry or a bare state dict.
        description: What the file is, for error messages.
        strip_prefix: Leading prefix removed from every key that has it (DataParallel's).
        drop_prefixes: Keys starting with one of these (after stripping) are dropped, e.g. the
            loss module's ``criterion.`` tensors.

    Raises:
        MissingWeightsError: ``path`` does not exist (the message names it).
        ValueError: the file is not a checkpoint, needs unpickling beyond tensors and NumPy
            scalars, or holds no state dict (the message names it).
    """
    try:
        with torch.serialization.safe_globals(_NUMPY_SCALAR_GLOBALS):
            state = load_local_state_dict(path, description, RELEASE_HOW_TO_GET)
    except (pickle.UnpicklingError, RuntimeError, EOFError) as error:
        raise ValueError(f"'{path}' is not a readable {description} checkpoint: {error}") from error
    drop_prefixes = tuple(drop_prefixes)
    stripped = {key.removeprefix(strip_prefix): value for key, value in state.items()}
    return {key: value for key, value in stripped.items() if not key.startswith(drop_prefixes)}


def load_strictly(network: nn.Module, state_dict: dict[str, torch.Tensor], source: str) -> None:
    """Load ``state_dict`` into ``network``, failing with every mismatching key named.

    Args:
        network: The network to fill.
        state_dict: Tensors keyed as in ``network.state_dict()``.
        source: The file the tensors came from, for the error message.

    Raises:
        CheckpointMismatchError: a key is missing or unexpected, or a shape differs.
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
            f"'{source}' does not match {type(network).__name__}: " + "; ".join(problems)
        )
    network.load_state_dict(state_dict, strict=True)
