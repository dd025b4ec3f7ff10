import subprocess
from datetime import datetime
from pathlib import Path

from synboost_kedro.hooks import (
    GIT_COMMIT_TAG,
    GIT_DIRTY_TAG,
    command_line,
    git_version,
    run_name,
)


def _git(folder: Path, *args: str) -> str:
    command = ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t", *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def test_a_folder_outside_git_has_no_version(tmp_path: Path):
    assert git_version(tmp_path) == {}


def test_commit_and_uncommitted_changes_are_reported(tmp_path: Path):
    _git(tmp_path, "init", "-q")
    tracked = tmp_path / "conf.yml"
    tracked.write_text("a: 1\n")
    _git(tmp_path, "add", "conf.yml")
    _git(tmp_path, "commit", "-q", "-m", "first")
    commit = _git(tmp_path, "rev-parse", "HEAD")

    clean = git_version(tmp_path)
    tracked.write_text("a: 2\n")
    dirty = git_version(tmp_path)

    assert clean == {GIT_COMMIT_TAG: commit, GIT_DIRTY_TAG: "false"}
    assert dirty == {GIT_COMMIT_TAG: commit, GIT_DIRTY_TAG: "true"}


def test_run_name_says_what_ran_and_when():
    started = datetime(2026, 12, 6, 9, 41)
    assert run_name(["train"], started) == "train 09:41"
    assert run_name(["uncertainty_maps", "evaluation"], started) == (
        "uncertainty_maps+evaluation 09:41"
    )
    assert run_name(None, started) == "default 09:41"
    assert run_name(["__default__"], started) == "default 09:41"


def test_command_line_outside_a_cli_repeats_the_run():
    params = {"pipeline_names": ["evaluation"], "env": "cityscapes"}
    assert command_line(params) == "kedro run --pipelines=evaluation --env=cityscapes"
    assert command_line({"pipeline_names": None, "env": None}) == "kedro run"
