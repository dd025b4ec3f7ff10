"""Running a Kedro-free job on several processes or machines: launch, job files, process group.

Both multi-process stages use it: dissimilarity training (``training.distributed``) and map
generation (``uncertainty.sharding``). Each defines only what its ranks do.
"""

from synboost_kedro.parallel.jobs import (
    JOB_WAIT_SECONDS,
    RESULT_FILE_NAME,
    job_folder,
    read_job,
    read_result,
    run_rank,
    write_job,
    write_result,
)
from synboost_kedro.parallel.launch import DistributedRunError, LaunchConfig, run_torchrun
from synboost_kedro.parallel.process_group import ProcessGroup, joined

__all__ = [
    "JOB_WAIT_SECONDS",
    "RESULT_FILE_NAME",
    "DistributedRunError",
    "LaunchConfig",
    "ProcessGroup",
    "job_folder",
    "joined",
    "read_job",
    "read_result",
    "run_rank",
    "run_torchrun",
    "write_job",
    "write_result",
]
