"""Input preparation (one-hot, priors, ImageNet normalisation) and score fusion helpers."""

from __future__ import annotations

import pytest
import torch

from synboost_kedro.models.dissimilarity import (
    anomaly_probability,
    imagenet_normalise,
    semantic_one_hot,
    stack_priors,
)


def test_one_hot_keeps_19_classes_and_zeroes_void():
    train_ids = torch.tensor([[[0, 18, 19, 255], [5, 5, 200, 1]]], dtype=torch.uint8)

    one_hot = semantic_one_hot(train_ids)

    assert one_hot.shape == (1, 19, 2, 4) and one_hot.dtype == torch.float32
    assert one_hot[0, :, 0, 0].argmax() == 0 and one_hot[0, 18, 0, 1] == 1
    assert one_hot[0, :, 0, 2:].sum() == 0 and one_hot[0, :, 1, 2].sum() == 0
    assert one_hot.sum(dim=1).flatten().tolist() == [1, 1, 0, 0, 1, 1, 0, 1]


def test_one_hot_accepts_channel_dimension():
    train_ids = torch.randint(0, 19, (2, 1, 3, 5))
    assert torch.equal(semantic_one_hot(train_ids), semantic_one_hot(train_ids[:, 0]))


@pytest.mark.parametrize(
    ("train_ids", "message"),
    [
        (torch.zeros(1, 4, 4), "integer tensor"),
        (torch.zeros(4, 4, dtype=torch.long), r"\[B,H,W\]"),
        (torch.full((1, 2, 2), -1), "negative"),
    ],
)
def test_one_hot_rejects_bad_maps(train_ids, message):
    with pytest.raises(ValueError, match=message):
        semantic_one_hot(train_ids)


def test_priors_are_stacked_entropy_mae_distance():
    entropy, mae, distance = (torch.full((1, 1, 2, 2), value) for value in (1.0, 2.0, 3.0))
    assert stack_priors(entropy, mae, distance)[0, :, 0, 0].tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match="mae must be"):
        stack_priors(entropy, torch.zeros(1, 2, 2), distance)


def test_anomaly_probability_is_softmax_channel_one():
    logits = torch.tensor([0.0, 2.0]).view(1, 2, 1, 1).expand(1, 2, 2, 3)
    expected = torch.sigmoid(torch.tensor(2.0))
    assert torch.allclose(anomaly_probability(logits), expected.expand(1, 2, 3))
    with pytest.raises(ValueError, match="logits must be"):
        anomaly_probability(torch.zeros(1, 3, 2, 2))


def test_imagenet_normalise():
    rgb = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1) + torch.tensor(
        [0.229, 0.224, 0.225]
    ).view(1, 3, 1, 1)
    assert torch.allclose(imagenet_normalise(rgb), torch.ones(1, 3, 1, 1))
