"""Label swapping checked against its definition (docs/method.md, "Training anomalies by label
swapping") on a hand-made frame."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from synboost_kedro.cityscapes import LABEL_ID_BY_NAME
from synboost_kedro.preparation import ORIGINAL_REPLACEMENT_LABEL_IDS, swap_instance_labels
from synboost_kedro.preparation.label_swap import (
    check_replacement_label_ids,
    draw_replacement,
    swap_candidates,
)

ROAD, SKY = LABEL_ID_BY_NAME["road"], LABEL_ID_BY_NAME["sky"]
CAR, PERSON, BUS = LABEL_ID_BY_NAME["car"], LABEL_ID_BY_NAME["person"], LABEL_ID_BY_NAME["bus"]


def _hand_made_frame() -> tuple[np.ndarray, np.ndarray]:
    """Sky over road; two cars, one person and one bus instance; a crowd of cars (id 26)."""
    label_ids = np.full((10, 20), ROAD, dtype=np.uint8)
    label_ids[:4] = SKY
    instance_ids = label_ids.astype(np.int32)
    for instance_id, rows, cols in (
        (CAR * 1000, slice(6, 9), slice(1, 4)),
        (CAR * 1000 + 1, slice(6, 9), slice(5, 8)),
        (PERSON * 1000, slice(5, 9), slice(10, 11)),
        (BUS * 1000 + 7, slice(4, 9), slice(13, 18)),
    ):
        label_ids[rows, cols] = instance_id // 1000
        instance_ids[rows, cols] = instance_id
    label_ids[9, 18:] = CAR  # a crowd region: class id only, not an instance
    instance_ids[9, 18:] = CAR
    return label_ids, instance_ids


def test_candidates_are_the_five_digit_instance_ids():
    instance_ids = np.array([[7, 26, 26000, 26001], [24000, 9999, 100000, 33005]], dtype=np.int32)
    assert swap_candidates(instance_ids).tolist() == [24000, 26000, 26001, 33005]


def test_swap_matches_the_definition_for_many_seeds():
    label_ids, instance_ids = _hand_made_frame()
    candidates = [CAR * 1000, CAR * 1000 + 1, PERSON * 1000, BUS * 1000 + 7]
    counts = Counter()
    for seed in range(60):
        result = swap_instance_labels(label_ids, instance_ids, np.random.default_rng(seed))
        # How many: floor(U * N) with U the generator's first draw.
        expected_count = int(np.floor(np.random.default_rng(seed).random() * len(candidates)))
        assert len(result.swaps) == expected_count
        counts[expected_count] += 1
        expected_changed = np.isin(instance_ids, list(result.swaps))
        np.testing.assert_array_equal(result.changed, expected_changed)
        for instance_id, new_label_id in result.swaps.items():
            assert instance_id in candidates
            assert new_label_id != instance_id // 1000
            assert new_label_id in ORIGINAL_REPLACEMENT_LABEL_IDS
            assert np.all(result.label_ids[instance_ids == instance_id] == new_label_id)
        np.testing.assert_array_equal(result.label_ids[~result.changed], label_ids[~result.changed])
        assert result.label_ids.dtype == np.uint8
    # N = 4 instances: 0..3 swaps happen, never all four.
    assert set(counts) == {0, 1, 2, 3}


def test_crowd_regions_and_stuff_never_change():
    label_ids, instance_ids = _hand_made_frame()
    for seed in range(30):
        result = swap_instance_labels(label_ids, instance_ids, np.random.default_rng(seed))
        assert not result.changed[9, 18:].any() and not result.changed[:4].any()


def test_same_generator_state_gives_the_same_swap():
    label_ids, instance_ids = _hand_made_frame()
    first = swap_instance_labels(label_ids, instance_ids, np.random.default_rng(13))
    again = swap_instance_labels(label_ids, instance_ids, np.random.default_rng(13))
    assert first.swaps == again.swaps and len(first.swaps) == 3
    np.testing.assert_array_equal(first.label_ids, again.label_ids)
    np.testing.assert_array_equal(first.changed, again.changed)


def test_frame_without_instances_is_left_alone():
    label_ids = np.full((4, 4), ROAD, dtype=np.uint8)
    result = swap_instance_labels(label_ids, label_ids.astype(np.int32), np.random.default_rng(0))
    assert result.swaps == {} and not result.changed.any()
    np.testing.assert_array_equal(result.label_ids, label_ids)


def test_replacement_draws_follow_the_weights_without_the_own_class():
    rng = np.random.default_rng(0)
    draws = Counter(draw_replacement(CAR, ORIGINAL_REPLACEMENT_LABEL_IDS, rng) for _ in range(3600))
    assert CAR not in draws
    weights = Counter(value for value in ORIGINAL_REPLACEMENT_LABEL_IDS if value != CAR)
    total = sum(weights.values())
    for label_id, weight in weights.items():
        expected = 3600 * weight / total
        assert abs(draws[label_id] - expected) < 5 * np.sqrt(expected), label_id


def test_original_list_has_25_weighted_entries():
    counts = Counter(ORIGINAL_REPLACEMENT_LABEL_IDS)
    assert len(ORIGINAL_REPLACEMENT_LABEL_IDS) == 25
    assert (counts[ROAD], counts[PERSON], counts[CAR]) == (3, 3, 7)


@pytest.mark.parametrize(
    ("replacement", "message"),
    [
        ([], "empty"),
        ([7, 99], r"\[99\] are not Cityscapes label ids"),
        ([7, 5], r"\[5\] \(\['dynamic'\]\) are void"),
    ],
)
def test_bad_replacement_lists_are_refused(replacement, message):
    with pytest.raises(ValueError, match=message):
        check_replacement_label_ids(replacement)


def test_a_list_of_only_the_own_class_is_refused_instead_of_looping():
    with pytest.raises(ValueError, match="only label id 26"):
        draw_replacement(CAR, [CAR, CAR], np.random.default_rng(0))


def test_maps_of_different_sizes_are_refused():
    with pytest.raises(ValueError, match="differ in size"):
        swap_instance_labels(
            np.zeros((4, 4), np.uint8), np.zeros((4, 5), np.int32), np.random.default_rng(0)
        )
