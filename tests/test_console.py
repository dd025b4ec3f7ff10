import copy
import io
import logging
import warnings
from collections.abc import Iterator

import pytest
from kedro.framework.project import LOGGING

from synboost_kedro.console import (
    UpstreamWarningFilter,
    quiet_upstream_warnings,
    rich_logging_on_terminal,
)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def kedro_logging() -> Iterator[None]:
    saved = copy.deepcopy(LOGGING.data)
    yield
    LOGGING.configure(saved)


def _record(message: str) -> logging.LogRecord:
    return logging.LogRecord("py.warnings", logging.WARNING, __file__, 1, message, None, None)


def test_only_the_named_upstream_warnings_are_dropped():
    upstream = UpstreamWarningFilter()
    mlflow = "x.py:1: UserWarning: \x1b[33mAdd type hints to the `predict` method to enable"
    omegaconf = "y.py:2: UserWarning: register_new_resolver() is deprecated and will be removed"
    ours = "z.py:3: UserWarning: One or more dataset names contain '.' characters"
    assert not upstream.filter(_record(mlflow))
    assert not upstream.filter(_record(omegaconf))
    assert upstream.filter(_record(ours))


def test_warnings_reach_the_log_without_the_upstream_ones(caplog):
    # pytest records warnings itself; inside this block they go where a `kedro run` sends them.
    with warnings.catch_warnings(), caplog.at_level(logging.WARNING, logger="py.warnings"):
        warnings.simplefilter("always")
        logging.captureWarnings(False)  # an earlier import of settings.py may have set it
        quiet_upstream_warnings()
        quiet_upstream_warnings()  # settings.py may be imported twice; one filter is enough
        warnings.warn("register_new_resolver() is deprecated", UserWarning, stacklevel=1)
        warnings.warn("a warning of this project", UserWarning, stacklevel=1)
    logging.captureWarnings(False)

    filters = logging.getLogger("py.warnings").filters
    assert sum(isinstance(f, UpstreamWarningFilter) for f in filters) == 1
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 1
    assert "a warning of this project" in messages[0]


def test_plain_handlers_become_rich_only_on_a_terminal(kedro_logging):
    plain = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(message)s"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
        "root": {"handlers": ["console"]},
    }
    LOGGING.configure(copy.deepcopy(plain))

    assert not rich_logging_on_terminal(io.StringIO())
    assert LOGGING.data["handlers"]["console"]["class"] == "logging.StreamHandler"
    assert rich_logging_on_terminal(_Terminal())
    assert LOGGING.data["handlers"]["console"]["class"] == "kedro.logging.RichHandler"
    assert not rich_logging_on_terminal(_Terminal())  # nothing plain is left to change
