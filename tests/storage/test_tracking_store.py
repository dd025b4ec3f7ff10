import shutil
from pathlib import Path

import mlflow
import pytest

from synboost_kedro.storage.tracking_store import relocate_artifact_root, sqlite_database


def _log_one_run(folder: Path, monkeypatch: pytest.MonkeyPatch) -> mlflow.MlflowClient:
    """A store in ``folder`` as a project run there creates it: experiment, run, artifact."""
    monkeypatch.chdir(folder)
    client = mlflow.MlflowClient(f"sqlite:///{folder / 'mlflow.db'}")
    experiment_id = client.create_experiment("synboost")
    run = client.create_run(experiment_id)
    (folder / "note.txt").write_text("hello")
    client.log_artifact(run.info.run_id, str(folder / "note.txt"))
    client.set_terminated(run.info.run_id)
    return client


def test_sqlite_database_reads_only_sqlite_uris():
    assert sqlite_database("sqlite:///mlflow.db") == Path("mlflow.db")
    assert sqlite_database("sqlite:////abs/mlflow.db") == Path("/abs/mlflow.db")
    assert sqlite_database("http://tracking:5000") is None


def test_a_copied_store_logs_into_the_copy_only(tmp_path: Path, monkeypatch):
    original, copy = tmp_path / "original", tmp_path / "copy"
    original.mkdir()
    _log_one_run(original, monkeypatch)
    shutil.copytree(original, copy)
    before = sorted(original.rglob("*"))

    replaced = relocate_artifact_root(copy / "mlflow.db")

    assert replaced == [str(original.resolve() / "mlruns")]
    client = mlflow.MlflowClient(f"sqlite:///{copy / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("synboost")
    assert experiment.artifact_location == str(copy.resolve() / "mlruns" / experiment.experiment_id)
    (old_run,) = client.search_runs([experiment.experiment_id])
    assert old_run.info.artifact_uri.startswith(str(copy.resolve() / "mlruns"))
    assert [a.path for a in client.list_artifacts(old_run.info.run_id)] == ["note.txt"]
    new_run = client.create_run(experiment.experiment_id)
    client.log_artifact(new_run.info.run_id, str(copy / "note.txt"))
    assert sorted(original.rglob("*")) == before
    assert relocate_artifact_root(copy / "mlflow.db") == []


def test_a_store_in_place_and_remote_locations_are_left_alone(tmp_path: Path, monkeypatch):
    client = _log_one_run(tmp_path, monkeypatch)
    client.create_experiment("remote", artifact_location="s3://bucket/synboost")

    assert relocate_artifact_root(tmp_path / "mlflow.db") == []
    assert client.get_experiment_by_name("remote").artifact_location == "s3://bucket/synboost"
