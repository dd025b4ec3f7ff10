"""Reading original SynBoost checkpoints and writing/reading this project's own checkpoints."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from synboost_kedro.utils import atomic_path

DATA_PARALLEL_PREFIX = "module."
#: Marks files written by :func:`save_checkpoint`, so a wrong file is reported as such.
CHECKPOINT_FORMAT = "synboost_kedro.dissimilarity/1"


def unwrap_state_dict(stored: Any, source: str) -> dict[str, torch.Tensor]:
    """Extract the tensor mapping from whatever container an original checkpoint used.

    Accepts a plain state dict, a ``{'state_dict': ...}`` container and ``module.``-prefixed keys
    of a ``DataParallel`` model, or any combination.

    Args:
        stored: The object ``torch.load`` returned.
        source: Where it came from, for error messages.

    Raises:
        ValueError: no mapping of names to tensors could be found.
    """
    if isinstance(stored, Mapping) and isinstance(stored.get("state_dict"), Mapping):
        stored = stored["state_dict"]
    if not isinstance(stored, Mapping) or not stored:
        raise ValueError(f"'{source}' does not hold a state dict (a mapping of names to tensors)")
    not_tensors = sorted(
        key for key, value in stored.items() if not isinstance(value, torch.Tensor)
    )
    if not_tensors:
        raise ValueError(
            f"'{source}' is not a state dict: entries {not_tensors[:5]} are not tensors"
        )
    if all(key.startswith(DATA_PARALLEL_PREFIX) for key in stored):
        return {key.removeprefix(DATA_PARALLEL_PREFIX): value for key, value in stored.items()}
    return dict(stored)


def load_original_state_dict(path: str | os.PathLike) -> dict[str, torch.Tensor]:
    """Load an original SynBoost dissimilarity checkpoint as a plain state dict (weights only).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: the file holds no state dict.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Dissimilarity checkpoint '{path}' does not exist")
    return unwrap_state_dict(torch.load(path, map_location="cpu", weights_only=True), str(path))


def save_checkpoint(
    path: str | os.PathLike, config: dict[str, Any], state_dict: Mapping[str, torch.Tensor]
) -> None:
    """Atomically write ``{'format', 'config', 'state_dict'}`` to ``path``."""
    payload = {"format": CHECKPOINT_FORMAT, "config": dict(config), "state_dict": dict(state_dict)}
    with atomic_path(path) as tmp:
        torch.save(payload, tmp)


def load_checkpoint(path: str | os.PathLike) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """Read a file written by :func:`save_checkpoint` and return its (config, state dict).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: the file was not written by :func:`save_checkpoint`.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Dissimilarity checkpoint '{path}' does not exist")
    stored = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(stored, Mapping) or stored.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(
            f"'{path}' is not a synboost_kedro dissimilarity checkpoint (no format "
            f"'{CHECKPOINT_FORMAT}'); original SynBoost files load with "
            "DissimilarityNet.from_original_checkpoint"
        )
    return dict(stored["config"]), unwrap_state_dict(stored["state_dict"], str(path))
