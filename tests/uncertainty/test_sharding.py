"""Map generation sharded over two torchrun processes writes the files of one process."""

from pathlib import Path

import pytest

from synboost_kedro.datasets import ProcessedDataset
from synboost_kedro.parallel import LaunchConfig
from synboost_kedro.storage.processed_set import ProcessedSet
from synboost_kedro.uncertainty import MapProducer, SynthesisLabels
from synboost_kedro.uncertainty.sharding import ShardedMapProducer, shard_frame_ids
from tests.uncertainty.conftest import config, frame_loaders

MAP_FIELDS = ["semantic", "synthesis", "entropy", "distance", "perceptual"]
FRAME_FIELDS = ["image", "label_ids", "instance_ids"]


def test_shards_are_disjoint_cover_every_frame_and_follow_the_sorted_order():
    frame_ids = ["c", "a", "e", "b", "d"]
    shards = [shard_frame_ids(frame_ids, rank, 2) for rank in range(2)]
    assert shards == [["a", "c", "e"], ["b", "d"]]
    assert shard_frame_ids(frame_ids, 0, 7)[0] == "a" and shard_frame_ids(frame_ids, 6, 7) == []
    with pytest.raises(ValueError, match=r"rank must be in \[0, 2\)"):
        shard_frame_ids(frame_ids, 2, 2)


def stored_files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_two_processes_write_exactly_the_files_of_one_and_skip_stored_frames(
    models, tmp_path: Path
):
    frames = ProcessedDataset(str(tmp_path / "frames"), FRAME_FIELDS)
    frames.save({frame_id: load for frame_id, load in frame_loaders(5).items()})
    loaders = frames.load()
    settings = config(synthesis_labels=SynthesisLabels.ANNOTATION, style_seed=7)
    single = ProcessedDataset(str(tmp_path / "single"), MAP_FIELDS)
    single.save(MapProducer(loaders, models, settings))
    sharded_root = tmp_path / "sharded"
    first = sorted(loaders)[0]
    # A frame stored by an earlier, interrupted run: the shard that owns it must leave it alone.
    ProcessedDataset(str(sharded_root), MAP_FIELDS).save(
        MapProducer({first: loaders[first]}, models, settings)
    )
    stamp = (sharded_root / "entropy" / f"{first}.png").stat().st_mtime_ns

    launch = LaunchConfig(nproc_per_node=2, backend="gloo", threads_per_process=1)
    ProcessedDataset(str(sharded_root), MAP_FIELDS).save(
        ShardedMapProducer(loaders, models, settings, launch)
    )

    assert stored_files(sharded_root) == stored_files(tmp_path / "single")
    assert (sharded_root / "entropy" / f"{first}.png").stat().st_mtime_ns == stamp


def test_frames_that_cannot_be_handed_to_other_processes_are_refused_clearly(models):
    launch = LaunchConfig(nproc_per_node=2, backend="gloo", threads_per_process=1)
    producer = ShardedMapProducer(frame_loaders(2), models, config(), launch)
    message = "cannot be handed to other processes: only frames stored in a processed set"
    with pytest.raises(ValueError, match=message):
        producer.write_into(ProcessedSet("unused", MAP_FIELDS))
