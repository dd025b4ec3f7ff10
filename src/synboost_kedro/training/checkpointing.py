"""Resumable training: the state after each completed epoch, written atomically to one file.

Re-running an interrupted training continues from the last completed epoch. All randomness of an
epoch is drawn from generators seeded with ``(seed, epoch)`` (see ``data.epoch_batches``) plus
torch's global generator, whose state is saved too, so a resumed run ends with exactly the
weights an uninterrupted run would have produced.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.optim import Optimizer

from synboost_kedro.utils import atomic_path
from synboost_kedro.utils.checkpoint_files import read_checkpoint
from synboost_kedro.utils.progress import progress_bar

logger = logging.getLogger(__name__)

STATE_FILE_NAME = "training_state.pt"


class EpochCheckpointer:
    """Saves and restores modules, optimizers, history and RNG state after every epoch.

    Args:
        folder: Where the state file lives; ``None`` disables resuming (nothing is written).
        fingerprint: What identifies this training run (configuration without the epoch count,
            frame ids). A state written under another fingerprint is ignored, with a warning.
        modules: The networks being trained, by name.
        optimizers: Their optimizers, by name.
    """

    def __init__(
        self,
        folder: str | os.PathLike | None,
        fingerprint: dict[str, Any],
        modules: dict[str, nn.Module],
        optimizers: dict[str, Optimizer],
    ) -> None:
        self.path = None if folder is None else Path(folder) / STATE_FILE_NAME
        self.fingerprint = fingerprint
        self.modules = modules
        self.optimizers = optimizers

    def restore(self) -> tuple[int, list[dict[str, float]]]:
        """Load the saved state if there is a matching one.

        Returns:
            The number of completed epochs (0 for a fresh start) and their history.
        """
        if self.path is None or not self.path.is_file():
            return 0, []
        state = read_checkpoint(self.path, "training state")
        if state["fingerprint"] != self.fingerprint:
            logger.warning(
                "Ignoring the training state in '%s': it belongs to a different configuration "
                "or data; training starts from epoch 0 and will overwrite it",
                self.path,
            )
            return 0, []
        for name, module in self.modules.items():
            module.load_state_dict(state["modules"][name])
        for name, optimizer in self.optimizers.items():
            optimizer.load_state_dict(state["optimizers"][name])
        torch.set_rng_state(state["torch_rng"])
        logger.info("Resuming from '%s' after epoch %d", self.path, state["epoch"])
        return state["epoch"], state["history"]

    def save(self, completed_epochs: int, history: list[dict[str, float]]) -> None:
        """Write the state after ``completed_epochs`` epochs (atomically)."""
        if self.path is None:
            return
        state = {
            "fingerprint": self.fingerprint,
            "epoch": completed_epochs,
            "history": history,
            "modules": {name: module.state_dict() for name, module in self.modules.items()},
            "optimizers": {name: opt.state_dict() for name, opt in self.optimizers.items()},
            "torch_rng": torch.get_rng_state(),
        }
        with atomic_path(self.path) as tmp:
            torch.save(state, tmp)


def run_resumable_epochs(
    checkpointer: EpochCheckpointer,
    epochs: int,
    train_one_epoch: Callable[[int], dict[str, float]],
    description: str,
) -> list[dict[str, float]]:
    """Run ``train_one_epoch(epoch)`` for the epochs not yet completed, saving after each.

    Returns:
        One record per epoch, ``{"epoch": e, **train_one_epoch(e)}``, resumed ones included.
    """
    start, history = checkpointer.restore()
    for epoch in progress_bar(
        range(start, epochs), description, "epoch", initial=start, total=epochs
    ):
        record = {"epoch": epoch, **train_one_epoch(epoch)}
        history.append(record)
        logger.info("%s epoch %d/%d: %s", description, epoch + 1, epochs, _format(record))
        checkpointer.save(epoch + 1, history)
    return history


def _format(record: dict[str, float]) -> str:
    return ", ".join(f"{key}={value:.4g}" for key, value in record.items() if key != "epoch")
