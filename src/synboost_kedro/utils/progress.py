"""Progress bars: on a terminal only, and only where the caller asks for one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

# The plain bar: tqdm.auto would pick a notebook widget and warn where ipywidgets is missing.
from tqdm import tqdm

Item = TypeVar("Item")


def progress_bar(
    iterable: Iterable[Item], description: str, unit: str, *, show: bool = True, **options: Any
) -> Iterable[Item]:
    """``iterable`` with a bar labelled ``description`` counting ``unit``s.

    The bar is drawn only when ``show`` and stderr is a terminal: in a log file or CI log, bars
    would pile up as carriage-return lines between the log records.
    """
    return tqdm(iterable, desc=description, unit=unit, disable=None if show else True, **options)
