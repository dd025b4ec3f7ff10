from pathlib import Path

import numpy as np
import torch

from synboost_kedro.training.dissimilarity_data import (
    DissimilarityDataset,
    EpochSampler,
    training_masks,
)
from tests.conftest import write_processed_set


def test_flip_is_shared_by_every_input(tmp_path: Path):
    frames, maps = write_processed_set(tmp_path, "set", 2, height=16, width=32)
    dataset = DissimilarityDataset(frames.load(), maps.load(), 16, 32, "set")

    plain, flipped = dataset[(1, False)], dataset[(1, True)]

    assert plain.keys() == flipped.keys()
    for name in plain:
        torch.testing.assert_close(flipped[name], plain[name].flip(-1))


def test_training_masks_are_resized_like_the_inputs(tmp_path: Path):
    frames, _ = write_processed_set(tmp_path, "set", 2, height=32, width=64)

    masks = list(training_masks(frames.load(), 16, 32))

    assert [mask.shape for mask in masks] == [(16, 32), (16, 32)]
    first = frames.load()["set_000"]().label
    np.testing.assert_array_equal(masks[0], first[1::2, 1::2])


def test_sampler_depends_only_on_seed_and_epoch_and_splits_ranks():
    sampler = EpochSampler(10, seed=3, flip=True)
    sampler.set_epoch(2)
    first = list(sampler)
    sampler.set_epoch(0)
    other_epoch = list(sampler)
    sampler.set_epoch(2)

    assert list(sampler) == first
    assert first != other_epoch
    assert sorted(index for index, _ in first) == list(range(10))
    assert {flip for _, flip in first} == {True, False}
    shards = [EpochSampler(10, seed=3, flip=True, rank=rank, world_size=3) for rank in range(3)]
    for shard in shards:
        shard.set_epoch(2)
    assert sorted(pair for shard in shards for pair in shard) == sorted(first)
    assert [len(shard) for shard in shards] == [4, 3, 3]


def test_shorter_epochs_walk_the_stream_of_whole_passes():
    def epoch(sampler, number):
        sampler.set_epoch(number)
        return list(sampler)

    whole = EpochSampler(10, seed=3, flip=True)
    stream = [pair for number in range(3) for pair in epoch(whole, number)]
    short = EpochSampler(10, seed=3, flip=True, items_per_epoch=4)

    assert [pair for number in range(7) for pair in epoch(short, number)] == stream[:28]
    assert len(short) == 4
    shards = [
        EpochSampler(10, seed=3, flip=True, rank=rank, world_size=3, items_per_epoch=4)
        for rank in range(3)
    ]
    assert sorted(pair for shard in shards for pair in epoch(shard, 2)) == sorted(stream[8:12])
    assert [len(shard) for shard in shards] == [2, 1, 1]


def test_sampler_without_shuffle_or_flip_keeps_dataset_order():
    assert list(EpochSampler(4, seed=0, shuffle=False)) == [(i, False) for i in range(4)]
