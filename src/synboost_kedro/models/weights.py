"""Loading of pretrained weights from local files only: nothing is ever downloaded."""

from __future__ import annotations

import os
from pathlib import Path

import torch


class MissingWeightsError(FileNotFoundError):
    """A configured pretrained-weights file does not exist."""


def load_local_state_dict(
    path: str | os.PathLike, description: str, how_to_get: str
) -> dict[str, torch.Tensor]:
    """Load a plain state dict from ``path`` with ``weights_only=True``.

    Args:
        path: Local file holding the weights.
        description: What the weights are, for the error message (e.g. "ImageNet VGG16").
        how_to_get: One sentence telling the user how to obtain the file.

    Raises:
        MissingWeightsError: ``path`` does not exist; the message names the file and how to get it.
        ValueError: the file does not hold a mapping of names to tensors.
    """
    path = Path(path)
    if not path.is_file():
        raise MissingWeightsError(
            f"{description} weights not found at '{path}'. This project never downloads weights. "
            f"{how_to_get}"
        )
    state = torch.load(path, map_location="cpu", weights_only=True)
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ValueError(f"'{path}' does not hold a state dict (a mapping of names to tensors)")
    return state
