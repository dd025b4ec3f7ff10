"""``torch.compile`` as an option: a clear error where it cannot work, and its cost in the log.

Compilation happens on the first call (and, in training, on the first backward pass), so its
cost is the first call's time less the second's. :class:`CompileTimer` logs exactly that.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from typing import Any

import torch
from torch import nn

logger = logging.getLogger(__name__)


class CompileError(RuntimeError):
    """``torch.compile`` does not work on this machine."""


class CompiledNetwork(nn.Module):
    """``torch.compile(network)``; a failure to compile names the setting that asked for it.

    On a CPU, compiled code needs a C++ compiler; on a GPU, Triton. Without them the first call
    fails deep inside the compiler, which this turns into an error saying what to do.

    Args:
        network: The module to compile; its parameters are shared, not copied.
        parameter: The setting that switched compilation on, for the message.
    """

    def __init__(self, network: nn.Module, parameter: str) -> None:
        super().__init__()
        self.compiled = torch.compile(network)
        self.parameter = parameter

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return self.compiled(*args, **kwargs)
        except torch._dynamo.exc.BackendCompilerFailed as error:
            reason = str(error).strip().splitlines()[0]
            raise CompileError(
                f"{self.parameter} is true but torch.compile does not work here ({reason}). "
                "It needs a C++ compiler on a CPU (g++ or clang++, or CXX naming one) and Triton "
                f"on a GPU; install them or set {self.parameter} to false"
            ) from error


class CompileTimer:
    """Times the first two runs of compiled work and logs their difference, the compilation.

    Args:
        what: What runs, for the log line (e.g. "dissimilarity training step").
        enabled: Whether anything is compiled; a disabled timer measures nothing.
    """

    def __init__(self, what: str, enabled: bool = True) -> None:
        self.what = what
        self.enabled = enabled
        self.times: list[float] = []

    @contextlib.contextmanager
    def measure(self) -> Iterator[None]:
        """Time the block if it is one of the first two runs."""
        if not self.enabled or len(self.times) >= 2:
            yield
            return
        start = time.perf_counter()
        yield
        self.times.append(time.perf_counter() - start)
        if len(self.times) == 2:
            first, second = self.times
            logger.info(
                "torch.compile of the %s: first run %.1f s, second %.3f s, so about %.1f s of "
                "compilation",
                self.what,
                first,
                second,
                first - second,
            )
