import os
import pickle
import sys
from pathlib import Path

import pytest
import torch

from synboost_kedro.parallel import (
    DistributedRunError,
    LaunchConfig,
    read_job,
    read_result,
    run_torchrun,
    write_job,
    write_result,
)

NAME = "dissimilarity_training.distributed"


def test_no_section_is_one_process_in_this_process():
    launch = LaunchConfig.from_params(None, NAME)
    assert launch.world_size == 1 and not launch.is_distributed


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"nproc_per_node": 0}, f"{NAME}.nproc_per_node must be a positive integer"),
        ({"nnodes": 2, "node_rank": 2, "job_dir": "x"}, f"{NAME}.node_rank must be in"),
        ({"backend": "mpi"}, f"{NAME}.backend must be one of"),
        ({"rdzv_endpoint": "node0"}, f"{NAME}.rdzv_endpoint must be 'host:port'"),
        ({"nnodes": 2}, f"{NAME}.job_dir must be a folder shared by all 2 machines"),
        ({"threads_per_process": 0}, f"{NAME}.threads_per_process must be null or >= 1"),
        ({"gpus": 2}, r"Unknown dissimilarity_training.distributed parameters: 'gpus'"),
    ],
)
def test_bad_settings_name_the_parameter(params, message):
    with pytest.raises(ValueError, match=message):
        LaunchConfig.from_params(params, NAME)


def test_one_machine_uses_a_standalone_rendezvous_and_several_the_static_one_of_node_0():
    job = Path("/shared/job.json")
    alone = LaunchConfig(nproc_per_node=2).torchrun_command("pkg.mod", job)
    assert alone[:3] == [sys.executable, "-m", "torch.distributed.run"]
    assert "--standalone" in alone and alone[-3:] == ["-m", "pkg.mod", str(job)]
    cluster = LaunchConfig(nproc_per_node=4, nnodes=3, rdzv_endpoint="node0:29500", job_dir="/s")
    command = cluster.torchrun_command("pkg.mod", job, node_rank=2)
    assert {"--nnodes=3", "--node-rank=2", "--rdzv-backend=static"} <= set(command)
    assert "--rdzv-endpoint=node0:29500" in command and "--nproc-per-node=4" in command
    assert cluster.world_size == 12


def test_jobs_and_results_round_trip_as_json_and_tensors(tmp_path: Path):
    path = write_job(tmp_path, {"settings": {"a": 1}}, {"w": torch.ones(2)})
    job, tensors = read_job(path)
    assert job == {"settings": {"a": 1}} and torch.equal(tensors["w"], torch.ones(2))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["job.json", "job.tensors.pt"]
    with pytest.raises(DistributedRunError, match="without writing"):
        read_result(tmp_path)
    write_result(tmp_path, {"best": 2})
    assert read_result(tmp_path) == ({"best": 2}, {})
    with pytest.raises(FileNotFoundError, match="start the other machines after node 0"):
        read_job(tmp_path / "missing.json")


def test_a_job_that_is_not_plain_data_is_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="Cannot hand 'job.json' to other processes"):
        write_job(tmp_path, {"frames": lambda: None})


class _Payload:
    def __reduce__(self):
        return (os.system, ("echo pwned > " + str(_MARKER),))


_MARKER = Path("/tmp/synboost_job_pwned")


def test_a_crafted_job_folder_runs_no_code(tmp_path: Path):
    _MARKER.unlink(missing_ok=True)
    path = write_job(tmp_path, {"settings": 1}, {"w": torch.ones(1)})
    torch.save({"w": _Payload()}, path.with_suffix(".tensors.pt"))
    with pytest.raises(ValueError, match="is not a safe job tensors checkpoint.*posix.system"):
        read_job(path)
    (tmp_path / "job.json").write_bytes(pickle.dumps(_Payload()))
    with pytest.raises(ValueError, match="is not a job file"):
        read_job(path)
    assert not _MARKER.exists()


def test_a_failing_module_raises_naming_the_rank_and_its_exit_code(tmp_path: Path):
    job = tmp_path / "job.json"
    # json.tool exits with code 1 on a file that is not JSON: a stand-in for a crashing rank.
    job.write_bytes(b"\x80 not json")
    launch = LaunchConfig(nproc_per_node=1, threads_per_process=1)
    with pytest.raises(DistributedRunError, match="Test job failed: rank 0 exited with code 1"):
        run_torchrun(launch, "json.tool", job, "Test job")
