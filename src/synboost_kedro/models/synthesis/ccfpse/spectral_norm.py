"""Spectral-normalised convolutions, keyed as the CC-FPSE release stores them.

They use the hook API ``torch.nn.utils.spectral_norm`` because its state-dict entries
(``weight_orig``, ``weight_u``, ``weight_v``) are exactly the release's. In eval mode the hook
computes ``sigma = u · (W v)`` from the stored vectors without a power iteration, so outputs are
reproducible; a train-mode forward would update ``u`` and ``v`` in place.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import spectral_norm

#: Power iterations run on a freshly initialised weight, so an untrained network in eval mode
#: divides by (nearly) the true spectral norm instead of a random ``u · W v``.
INIT_POWER_ITERATIONS = 20


def sn_conv(in_channels: int, out_channels: int, kernel_size: int, stride: int = 1) -> nn.Conv2d:
    """A bias-free spectral-normalised conv with "same" padding for odd kernels."""
    conv = nn.Conv2d(
        in_channels, out_channels, kernel_size, stride=stride, padding=kernel_size // 2, bias=False
    )
    conv = spectral_norm(conv)
    converge_singular_vectors(conv)
    return conv


@torch.no_grad()
def converge_singular_vectors(conv: nn.Module, iterations: int = INIT_POWER_ITERATIONS) -> None:
    """Update ``weight_u``/``weight_v`` in place by power iteration on ``weight_orig``."""
    if conv.weight_orig.is_meta:  # no values to iterate on (shape-only builds)
        return
    weight = conv.weight_orig.flatten(1)
    u, v = conv.weight_u, conv.weight_v
    for _ in range(iterations):
        v.copy_(F.normalize(weight.t() @ u, dim=0, eps=1e-12))
        u.copy_(F.normalize(weight @ v, dim=0, eps=1e-12))
