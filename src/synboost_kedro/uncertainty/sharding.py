"""Uncertainty maps of one set computed by several processes or machines, sharded by rank.

Rank ``r`` of ``w`` takes ``sorted(frame_ids)[r::w]`` and writes its frames itself through the
set's dataset (atomic per-file writes, frames already stored skipped), so shards never collide and
together write exactly the files of a single-process run: a frame's maps do not depend on the
other frames (see :func:`compute_maps`). ``python -m synboost_kedro.uncertainty.sharding JOB`` is
what torchrun runs per rank; the job holds the frame loaders, the networks, the settings and the
output dataset.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from synboost_kedro.parallel import (
    LaunchConfig,
    ProcessGroup,
    job_folder,
    run_rank,
    run_torchrun,
    write_job,
)
from synboost_kedro.uncertainty.config import MapConfig
from synboost_kedro.uncertainty.frame_inputs import FrameLoader
from synboost_kedro.uncertainty.map_generation import MapModels, MapProducer

logger = logging.getLogger(__name__)


class FrameStore(Protocol):
    """Where a shard writes its frames: ``ProcessedDataset`` (its ``save`` skips stored ones)."""

    def save(self, data: Any) -> None: ...


def shard_frame_ids(frame_ids: Sequence[str], rank: int, world_size: int) -> list[str]:
    """The frames rank ``rank`` of ``world_size`` computes: ``sorted(frame_ids)[rank::world_size]``.

    Raises:
        ValueError: ``rank`` is not in ``[0, world_size)``.
    """
    if not 0 <= rank < world_size:
        raise ValueError(f"rank must be in [0, {world_size}), got {rank}")
    return sorted(frame_ids)[rank::world_size]


class ShardedMapProducer:
    """The maps of a set, computed by ``launch.world_size`` torchrun processes.

    ``ProcessedDataset.save`` hands itself to :meth:`write_into` instead of iterating frames,
    because the ranks write their shards directly.

    Args:
        frame_loaders: ``{frame_id: loader}`` of the set; must be picklable (catalog datasets'
            loaders are).
        models: The networks.
        config: See :class:`MapConfig`; a CUDA device becomes each rank's own GPU.
        launch: Processes and machines (``uncertainty_maps.distributed``).
    """

    def __init__(
        self,
        frame_loaders: Mapping[str, FrameLoader],
        models: MapModels,
        config: MapConfig,
        launch: LaunchConfig,
    ) -> None:
        self._job = {"frames": dict(frame_loaders), "models": models, "config": config}
        self._launch = launch

    def frame_ids(self) -> list[str]:
        """Every frame of the set, sorted."""
        return sorted(self._job["frames"])

    def write_into(self, store: FrameStore) -> None:
        """Run the ranks, each saving its shard into ``store``; return when all have finished.

        Raises:
            DistributedRunError: a rank failed (the frames already written stay whole).
        """
        self._launch.validate("uncertainty_maps.distributed")
        job = {**self._job, "store": store}
        with job_folder(self._launch) as folder:
            job_path = write_job(folder, job)
            run_torchrun(self._launch, __name__, job_path, "Uncertainty-map generation")


def run_shard(job: Mapping[str, Any], group: ProcessGroup) -> None:
    """Compute and save the maps of ``group``'s shard of the job's frames."""
    frames = job["frames"]
    shard = shard_frame_ids(frames, group.rank, group.world_size)
    config = dataclasses.replace(job["config"], device=group.device(job["config"].device))
    logger.info(
        "Rank %d of %d: %d of %d frames", group.rank, group.world_size, len(shard), len(frames)
    )
    producer = MapProducer(
        {frame_id: frames[frame_id] for frame_id in shard}, job["models"], config
    )
    job["store"].save(producer)


if __name__ == "__main__":
    run_rank(
        __doc__.splitlines()[0],
        lambda job, _path: run_shard(job, ProcessGroup.from_environment()),
    )
