"""Building a dataclass from a configuration dict, refusing keys it does not know."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

T = TypeVar("T")


def from_known_fields(cls: type[T], values: Mapping[str, Any], what: str) -> T:
    """``cls(**values)``, but a key that is not a field of ``cls`` is an error naming it.

    Args:
        cls: A dataclass.
        values: E.g. a Kedro parameters section.
        what: What the keys are, for the message (e.g. "dissimilarity options").

    Raises:
        ValueError: ``values`` holds keys that are not fields of ``cls``.
    """
    known = {field.name for field in dataclasses.fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"Unknown {what} {unknown}; known: {sorted(known)}")
    return cls(**values)
