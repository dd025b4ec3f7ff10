"""The arithmetic a stage's networks run in: float32, or mixed precision through ``torch.autocast``.

Every stage has one ``precision`` setting: ``fp32``, ``bf16``, ``fp16`` or ``auto`` (bf16 on a
CUDA GPU that supports it natively, fp32 otherwise). Only network forward passes run inside
:meth:`Precision.autocast`; the caller turns their outputs back to float32 before softmax
entropy and distance, losses and metrics (docs/precision.md says which parts and why). Weights
and optimizer state stay float32 whatever the setting, so checkpoints do not change.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch

#: The precisions a stage can run in, and the setting that picks one for the device.
PRECISIONS: tuple[str, ...] = ("fp32", "bf16", "fp16")
AUTO = "auto"
CHOICES: tuple[str, ...] = (*PRECISIONS, AUTO)
#: What every stage ran in before the setting existed.
DEFAULT_PRECISION = "fp32"
_AUTOCAST_DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}


def check_precision(name: Any, parameter: str) -> str:
    """``name`` if it is one of :data:`CHOICES`.

    Raises:
        ValueError: naming ``parameter`` and the choices.
    """
    if name not in CHOICES:
        raise ValueError(f"{parameter} must be one of {list(CHOICES)}, got {name!r}")
    return name


def resolve_precision(name: str, device: torch.device, parameter: str) -> str:
    """The precision ``name`` means on ``device``: ``auto`` becomes bf16 or fp32.

    Raises:
        ValueError: an unknown name, or bf16 asked for on a GPU without native bf16.
    """
    check_precision(name, parameter)
    native_bf16 = device.type == "cuda" and torch.cuda.is_bf16_supported(including_emulation=False)
    if name == AUTO:
        return "bf16" if native_bf16 else "fp32"
    if name == "bf16" and device.type == "cuda" and not native_bf16:
        raise ValueError(
            f"{parameter} is 'bf16' but this GPU has no native bfloat16; use 'fp16' or 'auto'"
        )
    return name


@dataclass(frozen=True)
class Precision:
    """A resolved precision on one kind of device.

    Attributes:
        name: ``fp32``, ``bf16`` or ``fp16``.
        device_type: ``cpu`` or ``cuda``.
    """

    name: str = DEFAULT_PRECISION
    device_type: str = "cpu"

    def __post_init__(self) -> None:
        if self.name not in PRECISIONS:
            raise ValueError(f"precision must be one of {list(PRECISIONS)}, got {self.name!r}")

    @classmethod
    def on(cls, name: str, device: torch.device, parameter: str) -> Precision:
        """The precision a ``parameter`` set to ``name`` means on ``device``."""
        return cls(resolve_precision(name, device, parameter), device.type)

    def autocast(self) -> contextlib.AbstractContextManager[Any]:
        """Where network forward passes run: mixed precision, or nothing at all for fp32 (the
        float32 path is then the code path of a run without the setting)."""
        if self.name == "fp32":
            return contextlib.nullcontext()
        return torch.autocast(self.device_type, dtype=_AUTOCAST_DTYPES[self.name])

    def grad_scaler(self) -> torch.amp.GradScaler:
        """Loss scaling for fp16, whose small gradients would underflow; a scaler that passes
        everything through unchanged otherwise."""
        return torch.amp.GradScaler(self.device_type, enabled=self.name == "fp16")


#: Plain float32 (on any device: it autocasts nothing), what a stage runs in by default.
FLOAT32 = Precision()


def scaled_step(
    loss: torch.Tensor, optimizer: torch.optim.Optimizer, scaler: torch.amp.GradScaler
) -> None:
    """One optimisation step on ``loss`` through ``scaler``: zero, backward, step, update.

    With a disabled scaler this is exactly ``zero_grad``, ``backward``, ``step``.
    """
    optimizer.zero_grad(set_to_none=True)
    scaler.scale(loss).backward()
    scaler.step(optimizer)
    scaler.update()


def scaler_state(
    scaler: torch.amp.GradScaler, name: str = "grad_scaler"
) -> dict[str, torch.amp.GradScaler]:
    """``{name: scaler}`` for a resumable training state when it scales (fp16), else nothing:
    states of the other precisions keep the layout they had before the setting."""
    return {name: scaler} if scaler.is_enabled() else {}


def without_default_precision(settings: Mapping[str, Any]) -> dict[str, Any]:
    """``settings`` without a ``precision`` of fp32.

    Resume fingerprints and map provenance leave the default out, so training states and maps
    made before the setting existed (all float32) still match and are not recomputed.
    """
    return {
        key: value
        for key, value in settings.items()
        if not (key == "precision" and value == DEFAULT_PRECISION)
    }
