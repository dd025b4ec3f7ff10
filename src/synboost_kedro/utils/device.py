"""The torch device a ``device`` parameter names."""

from __future__ import annotations

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
