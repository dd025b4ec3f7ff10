import subprocess
from pathlib import Path

import mlflow
import numpy as np
import pytest
import torch
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from synboost_kedro.hooks import GIT_COMMIT_TAG, GIT_DIRTY_TAG
from synboost_kedro.models.model_file import read_model_file
from synboost_kedro.pipelines.dissimilarity_training import create_pipeline
from synboost_kedro.pipelines.dissimilarity_training.nodes import (
    compute_class_weights,
    metric_histories,
)
from tests.conftest import run_kedro, torch_threads, write_processed_set
from tests.pipelines.conftest import TINY_TRAINING

EPOCH_METRICS = ("train_loss", "val_loss", "val_average_precision", "learning_rate")


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Two threads spin against each other on this shared 2-core machine; one is faster here."""
    with torch_threads(1):
        yield


def _commit_all(project: Path) -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@t", *args],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    git("init", "-q")
    git("add", "conf")
    git("commit", "-q", "-m", "tiny project")
    return git("rev-parse", "HEAD")


def test_kedro_run_trains_and_tracks_everything_in_mlflow(kedro_project: Path):
    write_processed_set(kedro_project, "dissimilarity_train", 4, seed=0)
    write_processed_set(kedro_project, "anomaly_val", 2, seed=1)
    commit = _commit_all(kedro_project)

    run_kedro(kedro_project, "dissimilarity_training", TINY_TRAINING)

    client = mlflow.MlflowClient(f"sqlite:///{kedro_project / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("synboost")
    (run,) = client.search_runs([experiment.experiment_id])
    run_id = run.info.run_id
    assert run.info.status == "FINISHED"
    assert run.data.params["dissimilarity_training.learning_rate"] == "0.001"
    assert run.data.params["uncertainty_maps.perceptual.height"] == "16"
    assert run.data.params["dissimilarity_training.variant"] == "ours"
    for name in EPOCH_METRICS:
        history = client.get_metric_history(run_id, f"dissimilarity_training.{name}")
        assert sorted(metric.step for metric in history) == [1, 2], name
    aps = client.get_metric_history(run_id, "dissimilarity_training.val_average_precision")
    best = client.get_metric_history(run_id, "dissimilarity_training.best_val_average_precision")
    assert best[0].value == max(metric.value for metric in aps)
    weights = [
        client.get_metric_history(run_id, f"dissimilarity_training.class_weight_{name}")[0].value
        for name in ("normal", "anomaly")
    ]
    assert 1 < weights[0] < weights[1]
    assert run.data.tags[GIT_COMMIT_TAG] == commit
    assert run.data.tags[GIT_DIRTY_TAG] == "false"

    artifacts = [artifact.path for artifact in client.list_artifacts(run_id)]
    assert "dissimilarity_model.pt" in artifacts
    model_file = kedro_project / "data/06_models/dissimilarity_model.pt"
    trained = read_model_file(model_file, kind="dissimilarity")
    (logged,) = client.search_logged_models(
        experiment_ids=[experiment.experiment_id],
        filter_string="name = 'dissimilarity_model'",
    )
    assert logged.source_run_id == run_id
    served = mlflow.pytorch.load_model(f"models:/{logged.model_id}").eval()
    inputs = _random_inputs()
    with torch.no_grad():
        torch.testing.assert_close(
            served(*inputs[:3], **inputs[3]), trained(*inputs[:3], **inputs[3])
        )


def _random_inputs():
    generator = torch.Generator().manual_seed(0)
    image, synthesis = torch.randn(2, 1, 3, 16, 32, generator=generator)
    semantic = torch.zeros(1, 19, 16, 32)
    semantic[:, 3] = 1
    priors = {
        name: torch.rand(1, 1, 16, 32, generator=generator)
        for name in ("entropy", "mae", "distance")
    }
    return image, synthesis, semantic, priors


def test_class_weights_node_uses_every_training_mask(tmp_path: Path):
    frames, _ = write_processed_set(tmp_path, "train", 3, height=16, width=32)
    masks = [loader().label for loader in frames.load().values()]
    fraction = np.mean(np.concatenate([mask[mask != 255] for mask in masks]) == 1)

    weights = compute_class_weights(frames.load(), {}, {"height": 16, "width": 32})

    assert weights["anomaly"] == pytest.approx(1 / np.log(1.02 + fraction))
    assert weights["normal"] == pytest.approx(1 / np.log(1.02 + 1 - fraction))


def test_metric_histories_are_in_kedro_mlflow_form():
    history = [
        {
            "epoch": 1,
            "train_loss": 0.9,
            "val_loss": 0.8,
            "val_average_precision": 0.3,
            "learning_rate": 1e-4,
        },
        {
            "epoch": 2,
            "train_loss": 0.7,
            "val_loss": 0.85,
            "val_average_precision": 0.4,
            "learning_rate": 1e-4,
        },
    ]

    metrics = metric_histories(
        {"history": history, "best_epoch": 2}, {"normal": 1.5, "anomaly": 9.0}
    )

    assert metrics["val_loss"] == [{"value": 0.8, "step": 1}, {"value": 0.85, "step": 2}]
    assert metrics["best_epoch"] == [{"value": 2, "step": 0}]
    assert metrics["best_val_average_precision"] == [{"value": 0.4, "step": 2}]
    assert metrics["class_weight_anomaly"] == [{"value": 9.0, "step": 0}]


def test_pipeline_runs_on_a_plain_catalog(tmp_path: Path):
    catalog = DataCatalog()
    for name, field, count, seed in (
        ("dissimilarity_train", "swapped_frames", 2, 0),
        ("anomaly_val", "benchmark_frames", 1, 1),
    ):
        frames, maps = write_processed_set(tmp_path, name, count, seed=seed)
        catalog[f"{name}__{field}"] = frames.load()
        catalog[f"{name}__maps"] = maps.load()
    catalog["params:uncertainty_maps.perceptual"] = {"height": 16, "width": 32}
    catalog["params:dissimilarity_training"] = {
        "epochs": 1,
        "batch_size": 2,
        "device": "cpu",
    }
    for output in (
        "dissimilarity_model",
        "dissimilarity_mlflow_model",
        "dissimilarity_training_metrics",
    ):
        catalog[output] = MemoryDataset(copy_mode="assign")

    SequentialRunner().run(create_pipeline(), catalog)

    model = catalog.load("dissimilarity_model")
    assert model is catalog.load("dissimilarity_mlflow_model")
    assert not model.training
    assert [m["step"] for m in catalog.load("dissimilarity_training_metrics")["train_loss"]] == [1]
