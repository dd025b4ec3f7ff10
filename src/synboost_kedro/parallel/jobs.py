"""The files through which a launching process and its torchrun ranks talk: job and result.

The launcher writes the job into a job folder (shared storage when several machines take part),
every rank reads it, and rank 0 writes the result beside it. Each write is atomic, so a rank that
waits for the job or a launcher that looks for the result never reads half a file.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import torch

from synboost_kedro.parallel.launch import DistributedRunError, LaunchConfig
from synboost_kedro.parallel.process_group import ProcessGroup
from synboost_kedro.utils import atomic_path

JOB_FILE_NAME = "job.pt"
RESULT_FILE_NAME = "result.pt"
#: How long a rank on another machine waits for node 0 to write the job file.
JOB_WAIT_SECONDS = 600.0


@contextlib.contextmanager
def job_folder(launch: LaunchConfig) -> Iterator[Path]:
    """``launch.job_dir`` (created), or a temporary folder removed afterwards."""
    if launch.job_dir:
        folder = Path(launch.job_dir)
        folder.mkdir(parents=True, exist_ok=True)
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix="synboost_job_") as folder:
        yield Path(folder)


def write_job(folder: Path, job: Mapping[str, Any]) -> Path:
    """Pickle ``job`` into ``folder/job.pt`` (atomically, so waiting nodes never read half).

    Raises:
        ValueError: part of the job cannot be pickled (e.g. frames loaded by a lambda rather than
            from a catalog dataset).
    """
    path = folder / JOB_FILE_NAME
    (folder / RESULT_FILE_NAME).unlink(missing_ok=True)
    try:
        with atomic_path(path) as tmp:
            torch.save(dict(job), tmp)
    except (AttributeError, TypeError, pickle.PicklingError) as error:
        raise ValueError(
            f"Cannot hand this job to other processes: {error}. Its frames, models and settings "
            "must be picklable (frames loaded from catalog datasets are)"
        ) from error
    return path


def read_job(path: str | os.PathLike, wait_seconds: float = 0.0) -> dict[str, Any]:
    """Load a job written by :func:`write_job`, waiting up to ``wait_seconds`` for it to appear.

    Raises:
        FileNotFoundError: no job file at ``path`` after the wait.
    """
    path = Path(path)
    deadline = time.monotonic() + wait_seconds
    while not path.is_file() and time.monotonic() < deadline:
        time.sleep(1.0)
    if not path.is_file():
        raise FileNotFoundError(
            f"No job file '{path}': start the other machines after node 0 has written it"
        )
    # The job is a file this project wrote a moment ago, holding modules and frame loaders.
    return torch.load(path, map_location="cpu", weights_only=False)


def write_result(folder: Path, result: Any) -> None:
    """Rank 0 stores the job's result atomically: a crash leaves no result, never half of one."""
    with atomic_path(folder / RESULT_FILE_NAME) as tmp:
        torch.save(result, tmp)


def read_result(folder: Path) -> Any:
    """The result rank 0 stored.

    Raises:
        DistributedRunError: the job ended without one.
    """
    path = folder / RESULT_FILE_NAME
    if not path.is_file():
        raise DistributedRunError(f"The distributed job finished without writing '{path}'")
    return torch.load(path, map_location="cpu", weights_only=False)


def run_rank(description: str, run: Callable[[dict[str, Any], Path], None]) -> None:
    """The command line of one rank: ``python -m <module> JOB``; reads the job and runs it.

    Args:
        description: What the rank does, for ``--help``.
        run: Called with the job and the job file's path.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("job", type=Path, help="job file written by the launching process")
    job_path = parser.parse_args().job
    job = read_job(job_path, wait_seconds=JOB_WAIT_SECONDS)
    group = ProcessGroup.from_environment()
    level = logging.INFO if group.is_main else logging.WARNING
    logging.basicConfig(level=level, format=f"[rank {group.rank}] %(levelname)s %(message)s")
    run(job, job_path)
