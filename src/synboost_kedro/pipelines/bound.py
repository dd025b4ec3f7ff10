"""Node functions with some keyword arguments fixed when the pipeline is built."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, update_wrapper
from typing import Any


def bound(func: Callable[..., Any], **kwargs: Any) -> Callable[..., Any]:
    """``func`` with ``kwargs`` fixed, keeping its name and docstring: Kedro names a node and
    kedro-viz shows its code from them, which a bare ``partial`` has not."""
    return update_wrapper(partial(func, **kwargs), func)
