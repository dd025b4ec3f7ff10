"""One training step of the dissimilarity network: mixed precision, loss scaling, compilation.

The forward pass runs in the stage's precision; the loss is computed from float32 logits, so a
class-weighted sum over a whole image never accumulates in 8 mantissa bits (docs/precision.md).
"""

from __future__ import annotations

import torch
from torch import nn

from synboost_kedro.scoring import Sample, network_outputs
from synboost_kedro.training.data_parallel import SINGLE_PROCESS, DataParallelGroup
from synboost_kedro.utils.compilation import CompiledNetwork, CompileTimer
from synboost_kedro.utils.precision import Precision, scaled_step


class TrainingStep:
    """One optimisation step of the dissimilarity network on a batch.

    The forward pass runs in ``precision``; the loss is computed from float32 logits and
    back-propagated through ``scaler`` (loss scaling in fp16).

    Args:
        model: The network as trained (wrapped in DDP and/or compiled).
        criterion: The class-weighted cross-entropy.
        optimizer: Its optimizer.
        precision: What the forward pass computes in.
        scaler: From ``precision.grad_scaler()``.
        group: This process's place in a data-parallel run.
        average: The moving average of the weights to update after the step, if any.
    """

    def __init__(
        self,
        model: nn.Module,
        criterion: nn.CrossEntropyLoss,
        optimizer: torch.optim.Optimizer,
        precision: Precision,
        scaler: torch.amp.GradScaler,
        *,
        group: DataParallelGroup = SINGLE_PROCESS,
        average: torch.optim.swa_utils.AveragedModel | None = None,
    ) -> None:
        self.model = model
        self.criterion = criterion
        self.optimizer = optimizer
        self.precision = precision
        self.scaler = scaler
        self.group = group
        self.average = average
        self.timer = CompileTimer(
            "dissimilarity training step", enabled=isinstance(model, CompiledNetwork)
        )

    def __call__(self, batch: Sample) -> float:
        """Train on ``batch`` and return the global batch's loss."""
        with self.timer.measure():
            with self.precision.autocast():
                logits = network_outputs(self.model, batch)
            loss, value = self.group.loss(self.criterion, logits.float(), batch["label"])
            scaled_step(loss, self.optimizer, self.scaler)
        if self.average is not None:
            self.average.update_parameters(self.model)
        return value


def compiled_for_training(model: nn.Module, compile_model: bool) -> nn.Module:
    """``model`` through ``torch.compile`` when ``dissimilarity_training.compile`` is on."""
    return CompiledNetwork(model, "dissimilarity_training.compile") if compile_model else model
