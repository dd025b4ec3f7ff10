from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from synboost_kedro.models.dissimilarity.inputs import IMAGENET_MEAN, IMAGENET_STD
from synboost_kedro.training.dissimilarity_data import (
    DissimilarityDataset,
    EpochSampler,
    pair_frames,
    prepare_sample,
    resize_nearest,
    training_masks,
)
from tests.training.processed_sets import make_pair, write_processed_set


@pytest.mark.parametrize("size", [(16, 32), (13, 50), (40, 70)])
def test_resize_nearest_equals_pil_nearest(size):
    values = np.random.default_rng(0).integers(0, 256, (32, 64), dtype=np.uint8)
    height, width = size

    resized = resize_nearest(values, height, width)[0].numpy()

    expected = np.asarray(Image.fromarray(values).resize((width, height), Image.NEAREST))
    np.testing.assert_array_equal(resized, expected)


def test_sample_is_normalised_one_hot_and_scaled_as_the_original():
    frame, maps = make_pair("f", 32, 64, seed=1)

    sample = prepare_sample(frame, maps, 16, 32)

    assert sample["image"].shape == sample["synthesis"].shape == (3, 16, 32)
    mean = torch.tensor(IMAGENET_MEAN).view(3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(3, 1, 1)
    pixels = torch.from_numpy(frame.image[1::2, 1::2].copy()).permute(2, 0, 1).float() / 255
    torch.testing.assert_close(sample["image"], (pixels - mean) / std)
    assert sample["semantic"].shape == (19, 16, 32)
    # Row 0 of the semantic map is void: all channels zero; elsewhere exactly one channel is hot.
    assert sample["semantic"][:, 0].sum() == 0
    assert torch.all(sample["semantic"][:, 1:].sum(0) == 1)
    assert sample["entropy"].shape == (1, 16, 32)
    assert 0 <= sample["mae"].min() and sample["mae"].max() <= 1
    torch.testing.assert_close(
        sample["distance"][0], torch.from_numpy(maps.distance[1::2, 1::2] / 255).float()
    )
    assert sample["label"].dtype == torch.long
    assert set(sample["label"].unique().tolist()) == {0, 1, 255}


def test_prediction_source_reads_the_semantic_map_of_the_maps():
    frame, maps = make_pair("f", 16, 32, seed=1)
    predicted = np.full_like(maps.semantic, 7)
    maps = type(maps)(**{**maps.__dict__, "semantic": predicted})

    sample = prepare_sample(frame, maps, 16, 32, semantic_source="prediction")

    assert torch.all(sample["semantic"][7] == 1)


def test_inference_samples_need_no_label():
    frame, maps = make_pair("f", 16, 32, seed=1)
    unlabelled = type(frame)(frame.frame_id, image=frame.image)

    sample = prepare_sample(
        unlabelled, maps, 16, 32, semantic_source="prediction", label_required=False
    )

    assert "label" not in sample
    with pytest.raises(ValueError, match=r"lacks \['label'\]"):
        prepare_sample(unlabelled, maps, 16, 32, semantic_source="prediction")


def test_flip_is_shared_by_every_input(tmp_path: Path):
    frames, maps = write_processed_set(tmp_path, "set", 2, height=16, width=32)
    dataset = DissimilarityDataset(frames.load(), maps.load(), 16, 32, "set")

    plain, flipped = dataset[(1, False)], dataset[(1, True)]

    assert plain.keys() == flipped.keys()
    for name in plain:
        torch.testing.assert_close(flipped[name], plain[name].flip(-1))


def test_missing_maps_are_reported_by_frame_id():
    loaders = {"a": None, "b": None}

    with pytest.raises(ValueError, match=r"1 frame\(s\) without maps \(e.g. \['b'\]\)"):
        pair_frames(loaders, {"a": None}, "dissimilarity_train")


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
