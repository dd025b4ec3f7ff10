import numpy as np
import torch

from synboost_kedro.training.data import epoch_batches, frame_to_tensors, load_frames
from tests.training.conftest import CAR, ROAD, make_frame


def test_frames_are_resized_with_exact_ids_and_mapped_to_train_ids():
    frame = make_frame("toy_000000_000000", seed=0, height=24, width=48)

    tensors = frame_to_tensors(frame, 12, 24)

    assert tensors.images.shape == (1, 3, 12, 24) and tensors.images.dtype == torch.uint8
    assert set(tensors.label_ids.unique().tolist()) <= set(np.unique(frame.label_ids).tolist())
    assert set(tensors.instance_ids.unique().tolist()) <= set(
        np.unique(frame.instance_ids).tolist()
    )
    assert tensors.train_ids[tensors.label_ids == ROAD].eq(0).all()
    assert tensors.train_ids[tensors.label_ids == CAR].eq(13).all()


def test_frames_load_in_frame_id_order_whatever_the_dict_order(train_frames):
    reversed_loaders = dict(reversed(list(train_frames.items())))

    assert torch.equal(
        load_frames(train_frames, 8, 16, "a").images,
        load_frames(reversed_loaders, 8, 16, "b").images,
    )


def test_epoch_batches_cover_every_frame_once_and_depend_only_on_seed_and_epoch(train_frames):
    data = load_frames(train_frames, 8, 16, "toy")

    def epoch(seed, index):
        return torch.cat([batch.images for batch in epoch_batches(data, 4, seed, index, flip=True)])

    assert torch.equal(epoch(0, 1), epoch(0, 1))
    assert not torch.equal(epoch(0, 1), epoch(0, 2))
    assert sorted(epoch(0, 1).sum(dim=(1, 2, 3)).tolist()) == sorted(
        data.images.sum(dim=(1, 2, 3)).tolist()
    )
