"""How a ``kedro`` command of this project looks, in a terminal and in a log file.

Called from ``settings.py``, which Kedro imports before it loads its plugins and before it
applies the project's logging configuration (``conf/logging.yml``) for the last time.
"""

from __future__ import annotations

import copy
import logging
import re
import sys
from typing import TextIO

from kedro.framework.project import LOGGING

#: Warnings raised inside upstream packages on every ``kedro`` command, about code this project
#: does not own and cannot change; each is found in the message by a regular expression.
UPSTREAM_WARNINGS: tuple[str, ...] = (
    # MLflow >= 2.20 warns when any PythonModel subclass without typed `predict` is defined;
    # kedro-mlflow's KedroPipelineModel is one, defined when Kedro loads the plugin.
    r"Add type hints to the `predict` method",
    # omegaconf 2.4 deprecated register_new_resolver; Kedro's OmegaConfigLoader and kedro-mlflow
    # still call it, three times per run.
    r"register_new_resolver\(\) is deprecated",
    # kedro-viz 12.5 still uses FastAPI's deprecated ORJSONResponse.
    r"ORJSONResponse is deprecated",
    # torch's ONNX exporter cannot fold strided slices into constants; the export pipeline
    # checks every exported graph against torch instead.
    r"Constant folding - Only steps=1 can be constant folded",
)

#: The formatter of ``conf/logging.yml``'s plain handlers, which a terminal upgrades to rich.
PLAIN_FORMATTER = "plain"


class UpstreamWarningFilter(logging.Filter):
    """Drops the log records of :data:`UPSTREAM_WARNINGS`.

    A logging filter rather than a ``warnings`` filter: MLflow issues its warning inside
    ``warnings.catch_warnings()`` with its own ``simplefilter``, which overrides ours.
    """

    _pattern = re.compile("|".join(f"(?:{message})" for message in UPSTREAM_WARNINGS))

    def filter(self, record: logging.LogRecord) -> bool:
        return self._pattern.search(record.getMessage()) is None


def quiet_upstream_warnings() -> None:
    """Send warnings to the log, without :data:`UPSTREAM_WARNINGS`; every other one shows."""
    logging.captureWarnings(True)
    warnings_logger = logging.getLogger("py.warnings")
    if not any(isinstance(f, UpstreamWarningFilter) for f in warnings_logger.filters):
        warnings_logger.addFilter(UpstreamWarningFilter())


def rich_logging_on_terminal(stream: TextIO = sys.stdout) -> bool:
    """Log through Kedro's rich handler when ``stream`` is a terminal.

    ``conf/logging.yml`` logs plain lines, because rich lays records out for an 80-column
    terminal when it writes to a file or a CI log and wraps names and paths mid-word. Only
    handlers with the project's plain formatter change, and the change is made to Kedro's stored
    configuration, so that Kedro's later re-configurations keep it.

    Returns:
        True if handlers were replaced.
    """
    if not stream.isatty():
        return False
    config = copy.deepcopy(LOGGING.data)
    handlers = config.get("handlers", {})
    plain = [name for name, spec in handlers.items() if spec.get("formatter") == PLAIN_FORMATTER]
    for name in plain:
        handlers[name] = {"class": "kedro.logging.RichHandler", "rich_tracebacks": True}
    if plain:
        LOGGING.configure(config)
    return bool(plain)
