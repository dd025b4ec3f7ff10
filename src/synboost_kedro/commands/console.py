"""What a command shows its user: the library's warnings, and its errors as one line."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import click


def show_warnings() -> None:
    """Print the library's warnings (a skipped image, an unlabelled score file) on stderr: the
    package logger is silent until its user configures logging."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn the library's errors about files and values (which name the file or the setting)
    into a one-line ``Error: ...`` and exit status 1."""
    try:
        yield
    except (FileNotFoundError, ValueError) as error:
        raise click.ClickException(str(error)) from None
