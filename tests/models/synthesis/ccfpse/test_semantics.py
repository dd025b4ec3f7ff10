import torch

from synboost_kedro.models.synthesis.ccfpse.semantics import SEMANTIC_CHANNELS, build_semantics


def test_label_ids_0_to_34_are_one_hot_and_the_unknown_id_35_is_all_zero():
    label_ids = torch.tensor([[[0, 26, 34, 35]]])

    semantics = build_semantics(label_ids, torch.zeros_like(label_ids))

    assert semantics.shape == (1, SEMANTIC_CHANNELS, 1, 4)
    assert semantics[0, :35].sum(dim=0).tolist() == [[1.0, 1.0, 1.0, 0.0]]
    assert semantics[0, 26, 0, 1] == 1 and semantics[0, 34, 0, 2] == 1


def test_the_last_channel_marks_both_sides_of_an_instance_boundary():
    instance_ids = torch.tensor([[[1, 1, 2], [1, 1, 2], [1, 1, 1]]])

    semantics = build_semantics(torch.full_like(instance_ids, 7), instance_ids)

    assert semantics[0, 35].tolist() == [[0, 1, 1], [0, 1, 1], [0, 0, 1]]


def test_without_instances_the_label_map_gives_the_edges():
    label_ids = torch.tensor([[[7, 7, 26]]])

    assert torch.equal(build_semantics(label_ids, None), build_semantics(label_ids, label_ids))
