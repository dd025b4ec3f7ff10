"""The files through which a launching process and its torchrun ranks talk: job and result.

Both are plain data, never pickled objects, so whoever can write the shared job folder of a
multi-machine run cannot make the ranks run code: the settings are JSON, and tensors (weights,
results) go in a ``.tensors.pt`` file read by the one safe reader (tensors and plain containers
only). The launcher writes the job into the job folder (shared storage when several machines
take part), every rank reads it, and rank 0 writes the result beside it. Each write is atomic, so
a rank that waits for the job or a launcher that looks for the result never reads half a file.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import torch

from synboost_kedro.parallel.launch import DistributedRunError, LaunchConfig
from synboost_kedro.parallel.process_group import ProcessGroup
from synboost_kedro.utils import atomic_path, atomic_write_bytes
from synboost_kedro.utils.checkpoint_files import read_checkpoint

JOB_FILE_NAME = "job.json"
RESULT_FILE_NAME = "result.json"
TENSORS_SUFFIX = ".tensors.pt"
#: How long a rank on another machine waits for node 0 to write the job file.
JOB_WAIT_SECONDS = 600.0

Tensors = Mapping[str, torch.Tensor]


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


def _write(path: Path, values: Mapping[str, Any], tensors: Tensors | None) -> None:
    try:
        text = json.dumps(values, indent=1)
    except TypeError as error:
        raise ValueError(f"Cannot hand '{path.name}' to other processes: {error}") from error
    tensors_path = path.with_suffix(TENSORS_SUFFIX)
    if tensors is None:
        tensors_path.unlink(missing_ok=True)
    else:
        with atomic_path(tensors_path) as tmp:
            torch.save({name: tensor.detach().cpu() for name, tensor in tensors.items()}, tmp)
    atomic_write_bytes(path, text.encode())  # last: its presence marks a complete write


def _read(path: Path) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    try:
        values = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"'{path}' is not a job file (JSON): {error}") from None
    tensors_path = path.with_suffix(TENSORS_SUFFIX)
    tensors = read_checkpoint(tensors_path, "job tensors") if tensors_path.is_file() else {}
    if not isinstance(values, dict) or not isinstance(tensors, dict):
        raise ValueError(f"'{path}' does not hold a job: a JSON object (and named tensors)")
    return values, tensors


def write_job(folder: Path, job: Mapping[str, Any], tensors: Tensors | None = None) -> Path:
    """Write ``job`` (JSON-safe settings) and its ``tensors`` into ``folder``; return its path.

    Raises:
        ValueError: part of the job is not plain data; the message names it.
    """
    (folder / RESULT_FILE_NAME).unlink(missing_ok=True)
    path = folder / JOB_FILE_NAME
    _write(path, job, tensors)
    return path


def read_job(
    path: str | os.PathLike, wait_seconds: float = 0.0
) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """The job and tensors written by :func:`write_job`, waiting up to ``wait_seconds``.

    Raises:
        FileNotFoundError: no job file at ``path`` after the wait.
        ValueError: the file is not a job, or its tensors are not a safe tensor file.
    """
    path = Path(path)
    deadline = time.monotonic() + wait_seconds
    while not path.is_file() and time.monotonic() < deadline:
        time.sleep(1.0)
    if not path.is_file():
        raise FileNotFoundError(
            f"No job file '{path}': start the other machines after node 0 has written it"
        )
    return _read(path)


def write_result(folder: Path, result: Mapping[str, Any], tensors: Tensors | None = None) -> None:
    """Rank 0 stores the job's result: a crash leaves no result, never half of one."""
    _write(folder / RESULT_FILE_NAME, result, tensors)


def read_result(folder: Path) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """The result and tensors rank 0 stored.

    Raises:
        DistributedRunError: the job ended without one.
    """
    path = folder / RESULT_FILE_NAME
    if not path.is_file():
        raise DistributedRunError(f"The distributed job finished without writing '{path}'")
    return _read(path)


def run_rank(description: str, run: Callable[[dict[str, Any], dict, Path], None]) -> None:
    """The command line of one rank: ``python -m <module> JOB``; reads the job and runs it.

    Args:
        description: What the rank does, for ``--help``.
        run: Called with the job, its tensors and the job file's path.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("job", type=Path, help="job file written by the launching process")
    job_path = parser.parse_args().job
    job, tensors = read_job(job_path, wait_seconds=JOB_WAIT_SECONDS)
    group = ProcessGroup.from_environment()
    level = logging.INFO if group.is_main else logging.WARNING
    logging.basicConfig(level=level, format=f"[rank {group.rank}] %(levelname)s %(message)s")
    run(job, tensors, job_path)
