"""Uncertainty maps of one set computed by several processes or machines, sharded by rank.

Rank ``r`` of ``w`` takes ``sorted(frame_ids)[r::w]`` and writes its frames itself through the
set's dataset (atomic per-file writes, frames already stored skipped), so shards never collide and
together write exactly the files of a single-process run: a frame's maps do not depend on the
other frames (see :func:`compute_maps`). ``python -m synboost_kedro.uncertainty.sharding JOB``
is what torchrun runs per rank.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from synboost_kedro.models.model_file import read_model_file, write_model_file
from synboost_kedro.models.perceptual import PerceptualDifference
from synboost_kedro.parallel import (
    LaunchConfig,
    ProcessGroup,
    job_folder,
    run_rank,
    run_torchrun,
    write_job,
)
from synboost_kedro.storage.processed_set import ProcessedSet, frames_from_json, frames_to_json
from synboost_kedro.uncertainty.config import MapConfig
from synboost_kedro.uncertainty.frame_inputs import FrameLoader
from synboost_kedro.uncertainty.map_generation import MapModels, MapProducer

logger = logging.getLogger(__name__)


#: The job folder's model file of each network kind.
NETWORK_FILES = {"segmentation": "segmentation.pt", "synthesis": "synthesis.pt"}


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

    ``ProcessedDataset.save`` hands its :class:`ProcessedSet` to :meth:`write_into` instead of
    iterating frames, because the ranks write their shards directly. The job is plain data: the
    frames' files, the settings and the store as JSON, the two networks as model files and the
    perceptual VGG's weights as tensors.

    Args:
        frame_loaders: ``{frame_id: loader}`` of the set, stored in a processed set (catalog
            datasets' loaders are).
        models: The networks; segmentation and synthesis built through the registries.
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
        self._frames = dict(frame_loaders)
        self._models = models
        self._config = config
        self._launch = launch

    def frame_ids(self) -> list[str]:
        """Every frame of the set, sorted."""
        return sorted(self._frames)

    def write_into(self, store: ProcessedSet) -> None:
        """Run the ranks, each saving its shard into ``store``; return when all have finished.

        Raises:
            ValueError: the frames are not stored in a processed set, so they cannot be handed
                to other processes.
            DistributedRunError: a rank failed (the frames already written stay whole).
        """
        self._launch.validate("uncertainty_maps.distributed")
        job = {
            "frames": frames_to_json(self._frames),
            "config": self._config.to_json(),
            "store": store.to_json(),
            "perceptual_architecture": self._models.perceptual.architecture,
        }
        with job_folder(self._launch) as folder:
            for kind, file_name in NETWORK_FILES.items():
                write_model_file(getattr(self._models, kind), folder / file_name)
            job_path = write_job(folder, job, self._models.perceptual.state_dict())
            run_torchrun(self._launch, __name__, job_path, "Uncertainty-map generation")


def run_shard(
    job: Mapping[str, Any], tensors: Mapping[str, Any], folder: Path, group: ProcessGroup
) -> None:
    """Compute and save the maps of ``group``'s shard of the job's frames."""
    frames = frames_from_json(job["frames"])
    shard = shard_frame_ids(frames, group.rank, group.world_size)
    config = MapConfig.from_json(job["config"])
    config = dataclasses.replace(config, device=group.device(config.device))
    logger.info(
        "Rank %d of %d: %d of %d frames", group.rank, group.world_size, len(shard), len(frames)
    )
    models = MapModels(
        *(read_model_file(folder / NETWORK_FILES[kind], kind) for kind in NETWORK_FILES),
        PerceptualDifference(architecture=job["perceptual_architecture"], state_dict=tensors),
    )
    producer = MapProducer({frame_id: frames[frame_id] for frame_id in shard}, models, config)
    ProcessedSet.from_json(job["store"]).save(producer)


if __name__ == "__main__":
    run_rank(
        __doc__.splitlines()[0],
        lambda job, tensors, path: run_shard(
            job, tensors, path.parent, ProcessGroup.from_environment()
        ),
    )
