"""Dissimilarity training on several processes or machines: torchrun runs this module per rank.

``python -m synboost_kedro.training.distributed JOB`` is what every rank executes: it reads the
job (settings, the frames' files, class weights) that :func:`launch_training` wrote as plain data,
joins the process
group (gloo on CPU, nccl on GPU), trains with ``DistributedDataParallel`` through the ordinary
:func:`train_dissimilarity` loop, and rank 0 alone writes the resumable state, the result and,
when the launching Kedro run has an MLflow run, the live per-epoch metrics into that run.

Test hook: ``SYNBOOST_KEDRO_TEST_EXIT=<rank>:<epoch>`` makes that rank exit abruptly (code
:data:`TEST_EXIT_CODE`) after that 1-based epoch, standing in for a crashed machine.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from synboost_kedro.models.checkpoints import load_strictly
from synboost_kedro.parallel import (
    RESULT_FILE_NAME,
    LaunchConfig,
    ProcessGroup,
    job_folder,
    joined,
    read_result,
    run_rank,
    run_torchrun,
    write_job,
    write_result,
)
from synboost_kedro.training.data_parallel import DataParallelGroup
from synboost_kedro.training.dissimilarity import (
    DissimilarityTrainingConfig,
    TrainingResult,
    build_model,
    train_dissimilarity,
)
from synboost_kedro.training.dissimilarity_data import DissimilarityDataset

logger = logging.getLogger(__name__)

TEST_EXIT_ENV = "SYNBOOST_KEDRO_TEST_EXIT"
TEST_EXIT_CODE = 13


def launch_training(
    launch: LaunchConfig,
    config: DissimilarityTrainingConfig,
    train_set: DissimilarityDataset,
    val_set: DissimilarityDataset,
    class_weights: np.ndarray,
) -> TrainingResult:
    """Train on ``launch.world_size`` processes via torchrun and return rank 0's result.

    Raises:
        DistributedRunError: a rank failed; ``resume_dir`` keeps the last completed epoch.
        ValueError: the datasets cannot be handed to other processes.
    """
    launch.validate("dissimilarity_training.distributed")
    with job_folder(launch) as folder:
        job = {
            "config": dataclasses.asdict(config),
            "train_set": train_set.to_json(),
            "val_set": val_set.to_json(),
            "class_weights": [float(weight) for weight in class_weights],
            "backend": launch.resolved_backend(),
        }
        job_path = write_job(folder, job)
        run_torchrun(launch, __name__, job_path, "Dissimilarity training")
        result, state = read_result(folder)
    model = build_model(config)
    load_strictly(model, state, str(folder / RESULT_FILE_NAME))
    return TrainingResult(model.eval(), result["history"], int(result["best_epoch"]))


def run_job(job: dict[str, Any], _tensors: dict, job_path: Path) -> None:
    """Run one rank of the training ``job`` (rank 0 writes the result beside ``job_path``)."""
    with joined(job["backend"], DataParallelGroup) as group:
        on_epoch = _EpochReporter(group, TrainingProgress.from_environment(group))
        result = train_dissimilarity(
            DissimilarityTrainingConfig.from_dict(job["config"]),
            DissimilarityDataset.from_json(job["train_set"]),
            DissimilarityDataset.from_json(job["val_set"]),
            np.asarray(job["class_weights"]),
            group=group,
            on_epoch=on_epoch,
        )
        if group.is_main:
            # Weights, not the module: the parent rebuilds it, as a checkpoint is loaded.
            summary = {"history": result.history, "best_epoch": result.best_epoch}
            write_result(job_path.parent, summary, result.model.state_dict())


class TrainingProgress:
    """Rank 0's live per-epoch metrics (``live_<name>``) in the launching MLflow run.

    The client logs into the run by id and never starts or ends it, so the Kedro process keeps
    owning the run's lifecycle.
    """

    def __init__(self, run_id: str, tracking_uri: str | None) -> None:
        from mlflow.tracking import MlflowClient

        self._client = MlflowClient(tracking_uri)
        self._run_id = run_id

    @classmethod
    def from_environment(cls, group: ProcessGroup) -> TrainingProgress | None:
        """For rank 0 when ``MLFLOW_RUN_ID`` is set (by :func:`launch_training`), else ``None``."""
        run_id = os.environ.get("MLFLOW_RUN_ID")
        if not group.is_main or not run_id:
            return None
        progress = cls(run_id, os.environ.get("MLFLOW_TRACKING_URI"))
        progress._client.log_param(run_id, "training_processes", group.world_size)
        return progress

    def __call__(self, record: dict[str, float]) -> None:
        step = int(record["epoch"])
        for name, value in record.items():
            if name != "epoch":
                self._client.log_metric(self._run_id, f"live_{name}", value, step=step)


class _EpochReporter:
    """What each rank does after an epoch: rank 0 reports progress; the test hook may exit."""

    def __init__(self, group: ProcessGroup, progress: TrainingProgress | None) -> None:
        self._progress = progress
        rank, _, epoch = os.environ.get(TEST_EXIT_ENV, "").partition(":")
        self._exit_after = int(epoch) if rank == str(group.rank) else None

    def __call__(self, record: dict[str, float]) -> None:
        if self._progress is not None:
            self._progress(record)
        if record["epoch"] == self._exit_after:
            logger.error("%s: exiting after epoch %d", TEST_EXIT_ENV, self._exit_after)
            os._exit(TEST_EXIT_CODE)


if __name__ == "__main__":
    run_rank(__doc__.splitlines()[0], run_job)
