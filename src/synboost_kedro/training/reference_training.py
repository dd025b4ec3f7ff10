"""What the two reference-network trainings share: their precision and their resume fingerprint.

Both train on the CPU (they have no ``device`` setting), so ``auto`` means fp32 there; bf16 pays
on CPUs with native bfloat16 matrix units (docs/precision.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from synboost_kedro.utils.precision import DEFAULT_PRECISION, Precision, without_default_precision

#: Where the reference networks train.
DEVICE = torch.device("cpu")


def reference_precision(training: dict[str, Any], kind: str) -> Precision:
    """The precision of ``reference_<kind>.training`` (fp32 when the key is absent).

    Raises:
        ValueError: an unknown precision; the message names the parameter.
    """
    name = training.get("precision", DEFAULT_PRECISION)
    return Precision.on(name, DEVICE, f"reference_{kind}.training.precision")


def reference_fingerprint(
    model_config: dict[str, Any], training: dict[str, Any], frames: Iterable[str], precision: str
) -> dict[str, Any]:
    """What identifies a reference network's training (see ``EpochCheckpointer``): its model,
    its training settings but the epoch count, with the resolved ``precision``, and its frames."""
    settings = {key: value for key, value in training.items() if key != "epochs"}
    return {
        "model": model_config,
        "training": without_default_precision({**settings, "precision": precision}),
        "frames": sorted(frames),
    }
