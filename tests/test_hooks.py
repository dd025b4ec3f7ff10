import subprocess
from datetime import datetime
from pathlib import Path

import pytest

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


def _session(project: Path, env: str | None = None):
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    bootstrap_project(project)
    return KedroSession.create(project_path=project, env=env)


def test_the_environment_of_the_session_decides_which_benchmarks_are_built(kedro_project: Path):
    from kedro.framework.project import pipelines

    real = kedro_project / "conf" / "real"
    real.mkdir()
    (real / "benchmarks.yml").write_text(
        "road_anomaly:\n  path: /data/RoadAnomaly_jpg\n  format: road_anomaly\n"
        "photo_objects: null\n"
    )

    with _session(kedro_project, env="real") as session:
        catalog = session.load_context().catalog
        converted = {node.name for node in pipelines["data_preparation"].nodes}
        evaluated = {node.namespace for node in pipelines["evaluation"].nodes}
    with _session(kedro_project) as session:
        session.load_context()
        base = {node.namespace for node in pipelines["evaluation"].nodes}

    assert "road_anomaly.convert_benchmark_labels_node" in converted
    assert "photo_objects.convert_benchmark_labels_node" not in converted
    assert {"road_anomaly", "fs_lost_and_found", "smiyc_road_anomaly"} <= evaluated
    assert "photo_objects" not in evaluated
    assert catalog.get("road_anomaly.raw")._describe()["path"] == "/data/RoadAnomaly_jpg"
    assert "photo_objects.raw" not in catalog
    assert {"fs_lost_and_found", "smiyc_road_anomaly", "photo_objects"} <= base
    assert "road_anomaly" not in base


def test_a_benchmark_also_in_the_catalog_is_refused(kedro_project: Path):
    catalog = kedro_project / "conf" / "local" / "catalog.yml"
    catalog.write_text(
        "photo_objects.raw:\n  type: synboost_kedro.datasets.AnomalyBenchmarkDataset\n"
        "  path: data/elsewhere\n  layout: fishyscapes\n"
    )

    with _session(kedro_project) as session, pytest.raises(ValueError, match="keep one"):
        session.load_context().catalog  # noqa: B018
