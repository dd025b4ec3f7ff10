"""``kedro run`` with two training processes: the node runs once and the ranks run torchrun."""

from pathlib import Path

import mlflow

from synboost_kedro.models.model_file import read_model_file
from tests.conftest import run_kedro, write_processed_set
from tests.pipelines.conftest import TINY_TRAINING

TWO_PROCESSES = {
    "dissimilarity_training.distributed.nproc_per_node": 2,
    "dissimilarity_training.distributed.backend": "gloo",
    "dissimilarity_training.distributed.threads_per_process": 1,
    "dissimilarity_training.epochs": 1,
    "dissimilarity_training.batch_size": 4,
}


def test_two_processes_return_rank_0s_model_and_log_into_the_kedro_run(kedro_project: Path):
    write_processed_set(kedro_project, "dissimilarity_train", 4, seed=0)
    write_processed_set(kedro_project, "anomaly_val", 2, seed=1)

    run_kedro(kedro_project, "dissimilarity_training", {**TINY_TRAINING, **TWO_PROCESSES})

    client = mlflow.MlflowClient(f"sqlite:///{kedro_project / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("synboost")
    (run,) = client.search_runs([experiment.experiment_id])
    assert run.info.status == "FINISHED"
    assert run.data.params["training_processes"] == "2"
    assert [m.step for m in client.get_metric_history(run.info.run_id, "live_train_loss")] == [1]
    history = client.get_metric_history(run.info.run_id, "dissimilarity_training.train_loss")
    assert history[0].value == run.data.metrics["live_train_loss"]
    model_file = kedro_project / "data/06_models/dissimilarity_model.pt"
    model = read_model_file(model_file, kind="dissimilarity")
    assert sum(parameter.numel() for parameter in model.parameters()) > 0
