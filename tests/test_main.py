"""``synboost-kedro``: Kedro's run beside the everyday commands."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from synboost_kedro.__main__ import cli
from tests.conftest import TINY_PARAMS


def test_help_lists_the_three_commands():
    result = CliRunner().invoke(cli, ["--help"])

    assert result.exit_code == 0
    listed = result.output.split("Commands:")[1].strip().splitlines()
    assert [line.split()[0] for line in listed] == ["evaluate", "predict", "run"]


def test_run_is_kedro_run_with_its_options(kedro_project: Path):
    params = ",".join(f"{key}={value}" for key, value in TINY_PARAMS.items())

    result = CliRunner().invoke(cli, ["run", "--pipelines", "synthetic_data", "--params", params])

    assert result.exit_code == 0, result.output
    assert (kedro_project / "data/01_raw/cityscapes/SYNTHETIC_DATASET").exists()
    help_text = CliRunner().invoke(cli, ["run", "--help"]).output
    assert "--pipelines" in help_text and "--only-missing-outputs" in help_text
