"""This process's place among the ranks of a torchrun job, and joining their process group."""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Iterator, Sequence
from typing import TypeVar

import torch
import torch.distributed as dist

Group = TypeVar("Group", bound="ProcessGroup")


@dataclasses.dataclass(frozen=True)
class ProcessGroup:
    """This process's place in a multi-process job.

    Attributes:
        rank: Global rank.
        world_size: Number of processes.
        local_rank: Rank on this machine (selects the GPU).
    """

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @classmethod
    def from_environment(cls: type[Group]) -> Group:
        """The ``RANK``, ``WORLD_SIZE`` and ``LOCAL_RANK`` torchrun gives each process."""
        return cls(
            rank=int(os.environ.get("RANK", "0")),
            world_size=int(os.environ.get("WORLD_SIZE", "1")),
            local_rank=int(os.environ.get("LOCAL_RANK", "0")),
        )

    @property
    def is_main(self) -> bool:
        """Rank 0: the one process that writes checkpoints, results and logs."""
        return self.rank == 0

    def device(self, device: torch.device) -> torch.device:
        """``device`` with a CUDA device narrowed to this machine's GPU ``local_rank``."""
        if device.type == "cuda" and self.world_size > 1:
            return torch.device("cuda", self.local_rank)
        return device

    def broadcast(self, values: Sequence[float]) -> list[float]:
        """Rank 0's ``values`` on every rank."""
        if self.world_size == 1:
            return list(values)
        shared = [list(values)]
        dist.broadcast_object_list(shared, src=0)
        return shared[0]

    def barrier(self) -> None:
        """Wait for every rank, e.g. until rank 0 has saved an epoch's state."""
        if self.world_size > 1:
            dist.barrier()


@contextlib.contextmanager
def joined(backend: str, group_type: type[Group] = ProcessGroup) -> Iterator[Group]:
    """Join the torchrun process group for the duration of the block (nothing when alone).

    Args:
        backend: ``"gloo"`` or ``"nccl"``.
        group_type: The :class:`ProcessGroup` subclass to describe this process with.
    """
    group = group_type.from_environment()
    if group.world_size == 1:
        yield group
        return
    if backend == "nccl":
        torch.cuda.set_device(group.local_rank)
    dist.init_process_group(backend)
    try:
        yield group
    finally:
        dist.destroy_process_group()
