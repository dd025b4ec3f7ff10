"""Two torchrun processes (gloo, one thread each) against one process, on tiny frames."""

from pathlib import Path

import mlflow
import numpy as np
import pytest
import torch
from torch.utils.data import default_collate

from synboost_kedro.parallel import RESULT_FILE_NAME, DistributedRunError, LaunchConfig
from synboost_kedro.scoring import network_outputs
from synboost_kedro.training.checkpointing import STATE_FILE_NAME
from synboost_kedro.training.data_parallel import DataParallelGroup
from synboost_kedro.training.dissimilarity import DissimilarityTrainingConfig, train_dissimilarity
from synboost_kedro.training.dissimilarity_data import DissimilarityDataset
from synboost_kedro.training.distributed import (
    TEST_EXIT_CODE,
    TEST_EXIT_ENV,
    TrainingProgress,
    launch_training,
)
from tests.conftest import torch_threads, write_processed_set

HEIGHT, WIDTH = 16, 32
WEIGHTS = np.array([1.5, 10.0])
TWO_PROCESSES = LaunchConfig(nproc_per_node=2, backend="gloo", threads_per_process=1)


def config(resume_dir: Path, **overrides) -> DissimilarityTrainingConfig:
    settings = {
        "epochs": 1,
        "batch_size": 4,
        "height": HEIGHT,
        "width": WIDTH,
        "device": "cpu",
        "seed": 5,
        "resume_dir": str(resume_dir),
    }
    return DissimilarityTrainingConfig(**{**settings, **overrides})


@pytest.fixture(scope="module")
def datasets(tmp_path_factory) -> tuple[DissimilarityDataset, DissimilarityDataset]:
    """Five training frames: the second step of an epoch pads rank 1's share."""
    root = tmp_path_factory.mktemp("sets")
    loaded = {
        name: [dataset.load() for dataset in write_processed_set(root, name, count, seed=seed)]
        for name, count, seed in (("train", 5, 0), ("val", 2, 1))
    }
    return tuple(
        DissimilarityDataset(*loaded[name], HEIGHT, WIDTH, name) for name in ("train", "val")
    )


def last_weights(resume_dir: Path) -> dict[str, torch.Tensor]:
    state = torch.load(resume_dir / STATE_FILE_NAME, weights_only=True)
    return state["modules"]["model"]


@pytest.fixture(scope="module")
def one_process(datasets, tmp_path_factory):
    folder = tmp_path_factory.mktemp("single")
    with torch_threads(1):
        result = train_dissimilarity(config(folder), *datasets, WEIGHTS)
    return result, folder


def test_two_processes_of_batch_two_train_the_weights_of_one_process_of_batch_four(
    datasets, one_process, tmp_path: Path
):
    single, single_dir = one_process
    ddp_dir = tmp_path / "ddp"
    ddp = launch_training(TWO_PROCESSES, config(ddp_dir), *datasets, WEIGHTS)

    for ddp_record, single_record in zip(ddp.history, single.history, strict=True):
        assert ddp_record == pytest.approx(single_record, rel=1e-4, nan_ok=True)
    assert ddp.best_epoch == single.best_epoch
    batch = default_collate([datasets[1][index] for index in range(len(datasets[1]))])
    with torch.no_grad():
        expected_logits = network_outputs(single.model, batch)
        actual_logits = network_outputs(ddp.model, batch)
    torch.testing.assert_close(actual_logits, expected_logits, rtol=1e-3, atol=1e-4)
    # Adam divides each gradient by its own magnitude, so float noise in gradients that are
    # (near) zero, such as a conv bias feeding an instance norm, becomes steps of up to the
    # learning rate: weights may differ by learning_rate x steps, outputs barely (checked above).
    steps = 2
    expected, actual = last_weights(single_dir), last_weights(ddp_dir)
    assert expected.keys() == actual.keys()
    for name, weight in expected.items():
        torch.testing.assert_close(actual[name], weight, rtol=1e-4, atol=1e-4 * steps, msg=name)


def test_a_rank_that_dies_fails_the_run_naming_it_and_keeps_the_last_checkpoint_whole(
    datasets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv(TEST_EXIT_ENV, "1:1")
    job_dir = tmp_path / "job"
    launch = LaunchConfig(**{**vars(TWO_PROCESSES), "job_dir": str(job_dir)})

    with pytest.raises(DistributedRunError, match=f"rank 1 exited with code {TEST_EXIT_CODE}"):
        launch_training(launch, config(tmp_path / "state", epochs=2), *datasets, WEIGHTS)

    state = torch.load(tmp_path / "state" / STATE_FILE_NAME, weights_only=True)
    assert state["epoch"] == 1
    assert not (job_dir / RESULT_FILE_NAME).exists()
    assert not [path.name for path in (tmp_path / "state").iterdir() if path.name.startswith(".")]


def test_rank_0_logs_live_epoch_metrics_into_the_launching_run(tmp_path: Path, monkeypatch):
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    run = mlflow.start_run()
    environment = TWO_PROCESSES.rank_environment()
    assert environment["MLFLOW_RUN_ID"] == run.info.run_id
    assert environment["OMP_NUM_THREADS"] == "1"
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert TrainingProgress.from_environment(DataParallelGroup(rank=1, world_size=2)) is None

    progress = TrainingProgress.from_environment(DataParallelGroup(rank=0, world_size=2))
    progress({"epoch": 1, "train_loss": 0.5, "val_loss": 0.25})

    logged = mlflow.get_run(run.info.run_id)
    assert logged.data.metrics == {"live_train_loss": 0.5, "live_val_loss": 0.25}
    assert logged.data.params == {"training_processes": "2"}
    assert logged.info.status == "RUNNING"  # the Kedro process still owns the run
