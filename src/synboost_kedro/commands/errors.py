"""What a command prints when its input is wrong: the library's message, without a traceback."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn the library's errors about files and values (which name the file or the setting)
    into a one-line ``Error: ...`` and exit status 1."""
    try:
        yield
    except (FileNotFoundError, ValueError) as error:
        raise click.ClickException(str(error)) from None
