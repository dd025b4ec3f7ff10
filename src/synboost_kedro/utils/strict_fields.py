"""The one way configuration is checked: unknown keys are refused, naming the closest valid one.

A misspelt key would otherwise be ignored silently and the default used, which is the hardest
kind of configuration error to notice. Sections with a settings dataclass go through
:func:`from_known_fields`; sections read key by key go through :func:`check_known_keys`.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

T = TypeVar("T")


#: The valid keys of a section: a collection of names, or a mapping from each name to the valid
#: keys of its own subsection (``None`` where the value is not checked further).
Schema = Iterable[str] | Mapping[str, "Schema | None"]


def check_known_keys(values: Mapping[str, Any], known: Schema, what: str) -> None:
    """Refuse keys of ``values``, and of its subsections, that are not in ``known``.

    Args:
        values: E.g. a Kedro parameters section.
        known: The valid keys (see :data:`Schema`).
        what: What the keys are, for the message (e.g. "inference parameters").

    Raises:
        ValueError: an unknown key; the message names each, the closest valid key, and all.
    """
    names = sorted(known)
    unknown = sorted(set(values) - set(names))
    if unknown:
        described = []
        for key in unknown:
            closest = difflib.get_close_matches(str(key), names, n=1)
            described.append(f"'{key}'" + (f" (did you mean '{closest[0]}'?)" if closest else ""))
        raise ValueError(f"Unknown {what}: {', '.join(described)}; valid keys: {names}")
    if isinstance(known, Mapping):
        for key, subsection in known.items():
            if subsection is not None and isinstance(values.get(key), Mapping):
                check_known_keys(values[key], subsection, f"{what} in '{key}'")


def from_known_fields(cls: type[T], values: Mapping[str, Any], what: str) -> T:
    """``cls(**values)`` for a dataclass ``cls``, after :func:`check_known_keys`.

    Raises:
        ValueError: ``values`` holds keys that are not fields of ``cls``.
    """
    check_known_keys(values, (field.name for field in dataclasses.fields(cls)), what)
    return cls(**values)
