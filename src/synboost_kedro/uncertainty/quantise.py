"""The 8-bit encoding of every stored map: ``[0, 1]`` floats times 255, truncated as the original.

SynBoost casts ``255 · x`` to uint8 (numpy ``astype`` / PIL ``ToPILImage``), which truncates
towards zero rather than rounding (docs/method.md, "8-bit quantisation"); maps trained on must be
encoded the
same way.
"""

from __future__ import annotations

import numpy as np
import torch


def unit_to_uint8(values: torch.Tensor) -> torch.Tensor:
    """Encode ``[0, 1]`` floats as uint8 ``⌊255 · x⌋``; values outside ``[0, 1]`` saturate."""
    # Clamping first keeps a one-ulp overshoot of 1.0 from wrapping around to 0.
    return (values * 255).clamp_(0, 255).to(torch.uint8)


def signed_to_uint8(values: torch.Tensor) -> torch.Tensor:
    """Encode a ``[-1, 1]`` image (tanh output) as uint8 ``⌊255 · (x + 1) / 2⌋``."""
    return unit_to_uint8((values + 1) / 2)


def uint8_to_unit(values: torch.Tensor | np.ndarray) -> torch.Tensor:
    """Decode uint8 to float ``[0, 1]`` (torchvision ``ToTensor`` without the transpose)."""
    return torch.as_tensor(values).float() / 255
