"""A Kedro dataset for a plain state dict (``{name: tensor}``), e.g. converted pretrained weights.

Written atomically with ``torch.save`` and read with the one safe reader (tensors only), so loading
never runs pickled code; a file holding anything but named tensors is refused, naming the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from kedro.io.core import AbstractDataset, DatasetError

from synboost_kedro.utils import atomic_path
from synboost_kedro.utils.checkpoint_files import read_checkpoint

StateDict = dict[str, torch.Tensor]


class StateDictDataset(AbstractDataset[StateDict, StateDict]):
    """``{name: tensor}`` in one torch file.

    Args:
        filepath: The file.
        metadata: Free-form metadata (kedro-viz reads its layer from it).
    """

    def __init__(self, filepath: str, metadata: dict[str, Any] | None = None) -> None:
        self._filepath = Path(filepath)
        self.metadata = metadata

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath)}

    def save(self, data: StateDict) -> None:
        _check_state_dict(data, "the node's output")
        with atomic_path(self._filepath) as tmp:
            torch.save(data, tmp)

    def load(self) -> StateDict:
        try:
            state = read_checkpoint(self._filepath, "state dict")
        except (FileNotFoundError, ValueError) as error:
            raise DatasetError(str(error)) from None
        _check_state_dict(state, f"'{self._filepath}'")
        return state

    def _exists(self) -> bool:
        return self._filepath.is_file()


def _check_state_dict(state: Any, source: str) -> None:
    if not isinstance(state, dict) or not all(
        isinstance(key, str) and isinstance(value, torch.Tensor) for key, value in state.items()
    ):
        raise DatasetError(f"{source} is not a state dict (a mapping of names to tensors)")
