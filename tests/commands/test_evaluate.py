"""``synboost-kedro evaluate``: the printed table, MLflow logging and the exit status."""

from __future__ import annotations

import mlflow
import numpy as np
from click.testing import CliRunner

from synboost_kedro.__main__ import cli
from synboost_kedro.evaluation.folders import measure_score_folders
from tests.conftest import write_stored_set


def _evaluate(*args: str) -> object:
    return CliRunner().invoke(cli, ["evaluate", *args])


def test_prints_one_row_per_method_with_the_measured_values(tmp_path):
    labels, scores = write_stored_set(tmp_path)

    result = _evaluate(
        "--scores", str(scores / "dissimilarity"), "--scores", f"prior={scores / 'entropy'}",
        "--labels", str(labels), "--name", "tiny",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("| dataset | method | AP (%) | FPR@95%TPR (%) | AUROC (%) |")
    expected = measure_score_folders({"m": scores / "dissimilarity"}, labels, "fishyscapes")
    pixel = expected.methods["m"].pixel
    row = lines[2].split(" | ")
    assert row[:2] == ["| tiny", "dissimilarity"]
    assert row[2:5] == [
        f"{100 * value:.2f}"
        for value in (pixel.average_precision, pixel.fpr_at_95_tpr, pixel.auroc)
    ]
    assert lines[3].startswith("| tiny | prior |")


def test_mlflow_flag_logs_the_metrics_and_the_table(tmp_path, monkeypatch):
    labels, scores = write_stored_set(tmp_path)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")

    result = _evaluate(
        "--scores", str(scores / "perceptual"), "--labels", str(labels), "--mlflow",
        "--experiment", "outside",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    client = mlflow.MlflowClient(f"sqlite:///{tmp_path / 'mlflow.db'}")
    (run,) = client.search_runs([client.get_experiment_by_name("outside").experiment_id])
    assert run.info.run_id in result.output
    ap = run.data.metrics["set/perceptual.average_precision"]
    assert f"| set | perceptual | {100 * ap:.2f} |" in result.output
    assert run.data.params["format"] == "fishyscapes"
    assert [artifact.path for artifact in client.list_artifacts(run.info.run_id, "evaluation")] == [
        "evaluation/table.md"
    ]


def test_bad_input_exits_with_one_line_naming_the_problem(tmp_path):
    labels, scores = write_stored_set(tmp_path)
    np.save(scores / "entropy" / "f2.npy", np.zeros((3, 3), np.float16))

    mismatched = _evaluate("--scores", str(scores / "entropy"), "--labels", str(labels))
    entropy = str(scores / "entropy")
    twice = _evaluate("--scores", entropy, "--scores", entropy, "--labels", str(labels))

    assert mismatched.exit_code == 1
    assert (
        mismatched.output.startswith("Error: '")
        and "f2.npy' is 3x3 but its label" in mismatched.output
    )
    assert twice.exit_code == 2
    assert "Two --scores folders are both named 'entropy'" in twice.output
