"""The torch device a ``device`` parameter names, and what makes the most of a GPU."""

from __future__ import annotations

from typing import Any

import torch


def resolve_device(name: str, parameter: str = "device") -> torch.device:
    """``"cpu"``, ``"cuda"`` / ``"cuda:<n>"``, or ``"auto"`` (CUDA when available, else CPU).

    Args:
        name: The parameter's value.
        parameter: The parameter's full name, for error messages.

    Raises:
        ValueError: an unknown name, or CUDA asked for but not available.
    """
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if not isinstance(name, str) or not (name == "cpu" or name.partition(":")[0] == "cuda"):
        raise ValueError(f"{parameter} must be 'auto', 'cpu', 'cuda' or 'cuda:<n>', got {name!r}")
    if name != "cpu" and not torch.cuda.is_available():
        raise ValueError(f"{parameter} is {name!r} but CUDA is not available; use 'auto' or 'cpu'")
    return torch.device(name)


#: Batches each DataLoader worker keeps ready ahead of a GPU (PyTorch's default is 2).
PREFETCH_BATCHES = 4


def loader_options(device: torch.device, num_workers: int) -> dict[str, Any]:
    """DataLoader options that keep a GPU fed; on a CPU, none (PyTorch's defaults).

    On CUDA: page-locked batches (so ``non_blocking`` copies overlap the compute), and workers
    that survive between epochs and prefetch :data:`PREFETCH_BATCHES` batches each.
    """
    if device.type != "cuda":
        return {}
    options: dict[str, Any] = {"pin_memory": True}
    if num_workers:
        options |= {"persistent_workers": True, "prefetch_factor": PREFETCH_BATCHES}
    return options


def prepare_device(device: torch.device) -> None:
    """On CUDA, let cuDNN time its convolution algorithms and keep the fastest, unless
    deterministic algorithms were asked for (``torch.use_deterministic_algorithms``): the fastest
    algorithm may differ from run to run."""
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = not torch.are_deterministic_algorithms_enabled()
