import pytest
import torch

from synboost_kedro.models.synthesis.inputs import (
    NUM_LABEL_CHANNELS,
    instance_edges,
    one_hot_label_ids,
    semantic_input,
)


def test_one_hot_gives_the_unknown_id_its_own_channel():
    label_ids = torch.tensor([[[0, 7], [26, 35]]])

    one_hot = one_hot_label_ids(label_ids)

    assert one_hot.shape == (1, NUM_LABEL_CHANNELS, 2, 2)
    assert one_hot.sum(dim=1).eq(1).all()
    assert one_hot[0, 35, 1, 1] == 1 and one_hot[0, 7, 0, 1] == 1


def test_ids_beyond_the_channels_are_all_zero_as_in_the_original_35_channel_layout():
    one_hot = one_hot_label_ids(torch.tensor([[[34, 35]]]), num_channels=35)

    assert one_hot[0, :, 0, 0].sum() == 1
    assert one_hot[0, :, 0, 1].sum() == 0


@pytest.mark.parametrize(
    "label_ids",
    [torch.zeros(2, 2, dtype=torch.long), torch.zeros(1, 2, 2), -torch.ones(1, 1, 1).long()],
)
def test_bad_label_maps_are_refused(label_ids):
    with pytest.raises(ValueError, match="label_ids"):
        one_hot_label_ids(label_ids)


def test_edges_mark_both_sides_of_an_instance_boundary():
    instances = torch.tensor([[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 3, 3]]])

    edges = instance_edges(instances)[0, 0]

    expected = torch.tensor([[0, 1, 1, 0], [1, 1, 1, 1], [1, 1, 1, 1]], dtype=torch.float)
    assert torch.equal(edges, expected)


def test_semantic_input_uses_the_label_map_when_there_are_no_instances():
    label_ids = torch.tensor([[[7, 7, 26]]])

    semantics = semantic_input(label_ids, None)

    assert semantics.shape == (1, NUM_LABEL_CHANNELS + 1, 1, 3)
    assert semantics[0, -1, 0].tolist() == [0, 1, 1]


def test_semantic_input_refuses_mismatched_instance_maps():
    with pytest.raises(ValueError, match="same shape"):
        semantic_input(
            torch.zeros(1, 2, 2, dtype=torch.long), torch.zeros(1, 2, 3, dtype=torch.long)
        )
