"""``synboost-kedro`` (and ``python -m synboost_kedro``): the project's commands.

``run`` is Kedro's run of this project, with every option of ``kedro run``; ``predict`` and
``evaluate`` (``synboost_kedro.commands``) need neither Kedro nor the project's configuration.
"""

import sys
from pathlib import Path
from typing import Any

import click

from synboost_kedro.commands import evaluate, predict

PACKAGE_NAME = Path(__file__).parent.name


@click.group()
def cli() -> None:
    """SynBoost pixel-wise anomaly detection.

    \b
    synboost-kedro run [KEDRO RUN OPTIONS]   the pipelines, as `kedro run`
    synboost-kedro predict INPUT_DIR OUTPUT_DIR
    synboost-kedro evaluate --scores DIR --labels DIR
    """


# Kedro's own options and help are passed through untouched, and Kedro is configured only when
# this command runs, so `--help`, `predict` and `evaluate` stay quick.
@cli.command(
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.pass_context
def run(ctx: click.Context) -> Any:
    """Run the project's pipelines: every option of `kedro run` (see `run --help`)."""
    from kedro.framework.cli.utils import find_run_command
    from kedro.framework.project import configure_project

    configure_project(PACKAGE_NAME)
    kedro_run = find_run_command(PACKAGE_NAME)
    return kedro_run.main(ctx.args, prog_name=ctx.command_path, standalone_mode=False)


cli.add_command(predict)
cli.add_command(evaluate)


def main(*args: Any, **kwargs: Any) -> Any:
    kwargs["standalone_mode"] = not hasattr(sys, "ps1")  # an interactive session keeps running
    return cli.main(*args, **kwargs)


if __name__ == "__main__":
    main()
