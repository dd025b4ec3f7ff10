"""The standard baselines and the max-logit statistics, against direct computations."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from scipy.special import logsumexp, softmax

from synboost_kedro.cityscapes import NUM_TRAIN_IDS, TRAIN_ID_NAMES
from synboost_kedro.frames import LOGIT_BASELINES
from synboost_kedro.uncertainty.logit_baselines import (
    MaxLogitAccumulator,
    MaxLogitStatistics,
    logit_baselines,
)
from tests.uncertainty.conftest import random_logits


def _statistics(seed: int = 1) -> MaxLogitStatistics:
    rng = np.random.default_rng(seed)
    return MaxLogitStatistics(
        pixels=tuple(rng.integers(2, 100, NUM_TRAIN_IDS).tolist()),
        mean=tuple(rng.normal(5, 2, NUM_TRAIN_IDS).tolist()),
        std=tuple(rng.uniform(0.5, 3, NUM_TRAIN_IDS).tolist()),
    )


def test_each_baseline_equals_its_direct_computation():
    logits = random_logits(shape=(2, NUM_TRAIN_IDS, 5, 7))
    statistics = _statistics()

    scores = logit_baselines(logits, statistics)

    values = logits.double().numpy()
    max_logit, predicted = values.max(axis=1), values.argmax(axis=1)
    mean, std = np.array(statistics.mean)[predicted], np.array(statistics.std)[predicted]
    expected = {
        "max_softmax": 1 - softmax(values, axis=1).max(axis=1),
        "max_logit": -max_logit,
        "energy": -logsumexp(values, axis=1),
        "standardized_max_logit": -(max_logit - mean) / std,
    }
    assert list(scores) == list(LOGIT_BASELINES)
    for name, score in scores.items():
        assert score.shape == (2, 5, 7) and score.dtype == torch.float32
        np.testing.assert_allclose(score.numpy(), expected[name], rtol=1e-5, atol=1e-5)


def test_confident_pixels_keep_their_order_under_max_softmax():
    # p = 1 - 1e-9 and 1 - 1e-11 are both 1.0 in float32; their scores must still differ.
    logits = torch.zeros(1, NUM_TRAIN_IDS, 1, 2)
    logits[0, 0, 0, 0], logits[0, 0, 0, 1] = 24.0, 28.0

    score = logit_baselines(logits, _statistics())["max_softmax"][0, 0]

    expected = [(NUM_TRAIN_IDS - 1) * np.exp(-margin) for margin in (24.0, 28.0)]
    np.testing.assert_allclose(score.numpy(), expected, rtol=1e-4)
    assert score[0] > score[1] > 0


def test_accumulated_statistics_equal_per_class_mean_and_std_in_any_batching():
    logits = random_logits(seed=3, shape=(4, NUM_TRAIN_IDS, 6, 8), scale=2.0)
    whole, parts = MaxLogitAccumulator(), MaxLogitAccumulator()

    whole.update(logits)
    for part in logits.split([1, 3]):
        parts.update(part)
    statistics = whole.statistics()

    values = logits.double().numpy()
    max_logit, predicted = values.max(axis=1).ravel(), values.argmax(axis=1).ravel()
    for train_id in range(NUM_TRAIN_IDS):
        own = max_logit[predicted == train_id]
        assert statistics.pixels[train_id] == own.size
        if own.size >= 2:
            assert statistics.mean[train_id] == pytest.approx(own.mean(), abs=1e-9)
            assert statistics.std[train_id] == pytest.approx(own.std(), abs=1e-7)
    batched = parts.statistics()
    assert batched.pixels == statistics.pixels
    np.testing.assert_allclose(batched.mean, statistics.mean, atol=1e-12)
    np.testing.assert_allclose(batched.std, statistics.std, atol=1e-9)


def test_a_class_never_predicted_takes_the_statistics_of_all_pixels():
    logits = torch.full((1, NUM_TRAIN_IDS, 2, 3), -5.0)
    logits[0, 0] = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    logits[0, 1, 0, 0] = 9.0  # one pixel of class 1: too few for its own spread
    accumulator = MaxLogitAccumulator()

    accumulator.update(logits)
    statistics = accumulator.statistics()

    pooled = np.array([9.0, 2, 3, 4, 5, 6])
    assert statistics.pixels[:3] == (5, 1, 0)
    assert statistics.mean[0] == pytest.approx(4.0)
    assert statistics.std[0] == pytest.approx(np.array([2.0, 3, 4, 5, 6]).std())
    for train_id in (1, 2, NUM_TRAIN_IDS - 1):
        assert statistics.mean[train_id] == pytest.approx(pooled.mean())
        assert statistics.std[train_id] == pytest.approx(pooled.std())
    assert statistics.classes_without_pixels() == list(range(1, NUM_TRAIN_IDS))


def test_statistics_without_pixels_are_refused():
    with pytest.raises(ValueError, match="at least one segmented pixel"):
        MaxLogitAccumulator().statistics()


def test_statistics_round_trip_through_json_keyed_by_class_name():
    statistics = _statistics()

    stored = json.loads(json.dumps(statistics.to_json()))

    assert list(stored) == list(TRAIN_ID_NAMES)
    assert MaxLogitStatistics.from_json(stored) == statistics


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda values: values.pop("road"), r"lack the classes \['road'\]"),
        (lambda values: values.update(raod={}), "did you mean"),
        (lambda values: values["car"].pop("std"), "'car' need"),
        (lambda values: values["car"].update(std=0.0), "std must be positive"),
        (lambda values: values["car"].update(mean="high"), "'mean' must be numbers"),
    ],
)
def test_bad_statistics_files_are_refused_naming_the_problem(change, message):
    values = _statistics().to_json()
    change(values)

    with pytest.raises(ValueError, match=message):
        MaxLogitStatistics.from_json(values)
