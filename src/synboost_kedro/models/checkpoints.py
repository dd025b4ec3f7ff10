"""The one way every weight file is read: safely, unwrapped once, loaded strictly.

Every checkpoint the project reads (its own model files, training states, job tensors, the
original SynBoost release, torchvision's ImageNet weights) goes through :func:`read_checkpoint`
(``utils/checkpoint_files.py``), which allows tensors, plain containers and NumPy scalars only,
never an arbitrary object. Foreign files (the release was saved from ``DataParallel``
networks inside training containers) are reduced to a plain state dict by
:func:`unwrap_state_dict` and filled into a network by :func:`load_strictly`, which names every
key that does not fit.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

import torch
from torch import nn

from synboost_kedro.utils.checkpoint_files import (
    MissingWeightsError,
    UnsafeCheckpointError,
    read_checkpoint,
)

__all__ = [
    "CheckpointMismatchError",
    "MissingWeightsError",
    "UnsafeCheckpointError",
    "load_strictly",
    "read_checkpoint",
    "read_state_dict",
    "unwrap_state_dict",
]

DATA_PARALLEL_PREFIX = "module."


class CheckpointMismatchError(ValueError):
    """A checkpoint's keys or shapes differ from the network it should be loaded into."""


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
