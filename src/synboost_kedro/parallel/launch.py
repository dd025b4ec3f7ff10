"""Launching a Kedro-free job on several processes or machines with PyTorch's ``torchrun``.

A node that wants to run a job on several processes writes the job into a file
(:mod:`.jobs`) and calls :func:`run_torchrun`, which starts ``python -m torch.distributed.run``
as a subprocess and waits.
The Kedro process itself therefore runs once; only the job's entry point runs once per rank
(the failure mode of re-launching the whole ``kedro run`` per rank, kedro-org/kedro#2049).

On several machines the Kedro host is node 0 (static rendezvous, so it holds global rank 0 and
the rank-0 result); the other machines run the command that :func:`run_torchrun` logs, which
reads the same job file from ``job_dir`` on storage shared by all nodes.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from synboost_kedro.utils.strict_fields import from_known_fields

logger = logging.getLogger(__name__)

BACKENDS = ("auto", "gloo", "nccl")
LOG_FILE_NAME = "torchrun.log"
#: The first failure torchrun reports: "rank : 1 (local_rank: 1)" then "exitcode : 13 (pid: …)".
_TAIL_LINES = 15
_ROOT_CAUSE = "Root Cause"
_FAILURE = re.compile(r"rank\s*:\s*(\d+)\s*\(local_rank:\s*\d+\)\s*\n\s*exitcode\s*:\s*(-?\d+)")


class DistributedRunError(RuntimeError):
    """A rank of a torchrun job failed; the message names the rank, its exit code and the log."""


@dataclasses.dataclass(frozen=True)
class LaunchConfig:
    """How many processes run a job, on how many machines (the ``distributed`` parameters).

    Attributes:
        nproc_per_node: Processes on each machine (one per GPU; on CPU each takes
            ``threads_per_process`` cores).
        nnodes: Machines. Above 1, ``rdzv_endpoint`` and ``job_dir`` must be reachable by all.
        node_rank: This machine's index; the Kedro host is node 0.
        rdzv_endpoint: ``host:port`` of node 0, where the ranks meet (static rendezvous).
        backend: ``"gloo"`` (CPU), ``"nccl"`` (GPU) or ``"auto"`` (nccl when CUDA is available).
        job_dir: Folder of the job file, the rank-0 result and the torchrun log; ``None`` uses a
            temporary folder (one machine only).
        threads_per_process: ``OMP_NUM_THREADS`` of each rank; ``None`` divides this machine's
            cores between its processes.
    """

    nproc_per_node: int = 1
    nnodes: int = 1
    node_rank: int = 0
    rdzv_endpoint: str = "localhost:29500"
    backend: str = "auto"
    job_dir: str | None = None
    threads_per_process: int | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any] | None, name: str) -> LaunchConfig:
        """Build from a ``distributed`` parameter section; ``None`` is one process.

        Args:
            params: The section, e.g. ``dissimilarity_training.distributed``.
            name: Its dotted name, for error messages.

        Raises:
            ValueError: an unknown key or an invalid value; the message names the parameter.
        """
        config = from_known_fields(cls, dict(params or {}), f"{name} parameters")
        config.validate(name)
        return config

    def validate(self, name: str) -> None:
        """Raise ``ValueError`` naming ``name.<key>`` for an invalid setting."""
        for key in ("nproc_per_node", "nnodes"):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}.{key} must be a positive integer, got {value!r}")
        if not isinstance(self.node_rank, int) or not 0 <= self.node_rank < self.nnodes:
            raise ValueError(
                f"{name}.node_rank must be in [0, nnodes={self.nnodes}), got {self.node_rank!r}"
            )
        if self.backend not in BACKENDS:
            raise ValueError(f"{name}.backend must be one of {BACKENDS}, got {self.backend!r}")
        host, _, port = str(self.rdzv_endpoint).rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(
                f"{name}.rdzv_endpoint must be 'host:port', got {self.rdzv_endpoint!r}"
            )
        if self.nnodes > 1 and not self.job_dir:
            raise ValueError(
                f"{name}.job_dir must be a folder shared by all {self.nnodes} machines when "
                "nnodes > 1 (they read the job from it)"
            )
        threads = self.threads_per_process
        if threads is not None and (not isinstance(threads, int) or threads < 1):
            raise ValueError(f"{name}.threads_per_process must be null or >= 1, got {threads!r}")

    @property
    def world_size(self) -> int:
        """Processes in the job, over all machines."""
        return self.nproc_per_node * self.nnodes

    @property
    def is_distributed(self) -> bool:
        """Whether the job needs torchrun (otherwise it runs in the calling process)."""
        return self.world_size > 1

    def resolved_backend(self) -> str:
        """The process-group backend: ``auto`` → nccl with CUDA, gloo without."""
        if self.backend != "auto":
            return self.backend
        return "nccl" if torch.cuda.is_available() else "gloo"

    def torchrun_command(
        self, module: str, job_path: Path, node_rank: int | None = None
    ) -> list[str]:
        """The command that runs ``python -m module job_path`` on every process of one machine."""
        if self.nnodes == 1:
            rendezvous = ["--standalone"]
        else:
            rendezvous = [
                f"--nnodes={self.nnodes}",
                f"--node-rank={self.node_rank if node_rank is None else node_rank}",
                "--rdzv-backend=static",
                f"--rdzv-endpoint={self.rdzv_endpoint}",
            ]
        return [
            sys.executable,
            "-m",
            "torch.distributed.run",
            *rendezvous,
            f"--nproc-per-node={self.nproc_per_node}",
            "--max-restarts=0",
            "-m",
            module,
            str(job_path),
        ]

    def rank_environment(self) -> dict[str, str]:
        """Environment of the ranks: thread count and, when a run is active, the MLflow run."""
        threads = self.threads_per_process or max(1, (os.cpu_count() or 1) // self.nproc_per_node)
        environment = {"OMP_NUM_THREADS": str(threads)}
        return {**environment, **_mlflow_environment()}


def run_torchrun(launch: LaunchConfig, module: str, job_path: Path, description: str) -> None:
    """Run ``module`` on ``launch.nproc_per_node`` processes of this machine and wait for them.

    The ranks' output is streamed to this process's stderr and kept in ``torchrun.log`` beside
    the job.

    Raises:
        DistributedRunError: torchrun exited non-zero; names the first failed rank, its exit
            code and the log file.
    """
    command = launch.torchrun_command(module, job_path)
    for other in range(1, launch.nnodes):
        logger.info(
            "%s: on machine %d run: %s",
            description,
            other,
            " ".join(launch.torchrun_command(module, job_path, node_rank=other)),
        )
    logger.info("%s on %d processes: %s", description, launch.world_size, " ".join(command))
    log_path = job_path.parent / LOG_FILE_NAME
    environment = {**os.environ, **launch.rank_environment()}
    with (
        log_path.open("w") as log,
        subprocess.Popen(
            command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        ) as process,
    ):
        for line in process.stdout:
            log.write(line)
            sys.stderr.write(line)
    if process.returncode:
        raise DistributedRunError(_failure_message(description, process.returncode, log_path))


def _failure_message(description: str, returncode: int, log_path: Path) -> str:
    output = log_path.read_text(errors="replace")
    # torchrun lists every failed rank; the root cause is the first to fail, not a rank it
    # terminated afterwards.
    failure = _FAILURE.search(output, output.rfind(_ROOT_CAUSE) + 1)
    culprit = (
        f"rank {failure.group(1)} exited with code {failure.group(2)}"
        if failure
        else f"torchrun exited with code {returncode}"
    )
    # The log may live in a temporary folder that is about to go: quote its end.
    tail = "\n".join(output.splitlines()[-_TAIL_LINES:])
    return (
        f"{description} failed: {culprit}. Nothing was returned to the catalog; files written "
        f"before the failure are whole (atomic writes). Last lines of torchrun's output:\n{tail}"
    )


def _mlflow_environment() -> dict[str, str]:
    """The active MLflow run, for the ranks to log into (rank 0 only)."""
    import mlflow

    run = mlflow.active_run()
    if run is None:
        return {}
    return {"MLFLOW_RUN_ID": run.info.run_id, "MLFLOW_TRACKING_URI": mlflow.get_tracking_uri()}
