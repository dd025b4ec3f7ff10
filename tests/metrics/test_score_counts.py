"""Exact score stores against a brute-force np.unique of everything added."""

from __future__ import annotations

import numpy as np
import pytest

from synboost_kedro.metrics import score_counts
from synboost_kedro.metrics.score_counts import (
    BitPatternCounts,
    SortedRunCounts,
    make_score_counts,
)


def _batches(dtype: np.dtype, rng: np.random.Generator, num_batches: int = 9) -> list[np.ndarray]:
    """Batches of different sizes mixing values repeated across batches with fresh ones."""
    shared = rng.normal(size=20) * 50
    batches = []
    for index in range(num_batches):
        fresh = rng.normal(size=3 + 7 * index) * 50
        batches.append(np.concatenate([rng.choice(shared, size=10), fresh]).astype(dtype))
    return batches


def _expected(batches: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    return np.unique(np.concatenate(batches), return_counts=True)


@pytest.mark.parametrize("dtype", ["float16", "int8", "uint16", "float32", "int32", "float64"])
def test_sorted_counts_equal_unique_of_all_batches(dtype: str) -> None:
    batches = _batches(np.dtype(dtype), np.random.default_rng(0))
    store = make_score_counts(np.dtype(dtype))
    for batch in batches:
        store.add(batch)
    values, counts = store.sorted_counts()
    expected_values, expected_counts = _expected(batches)
    assert values.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(values, expected_values)
    np.testing.assert_array_equal(counts, expected_counts)
    assert store.total() == expected_counts.sum()


@pytest.mark.parametrize("dtype", ["float16", "float32", "int32", "uint32", "float64"])
def test_count_below_equals_brute_force(dtype: str) -> None:
    rng = np.random.default_rng(1)
    batches = [np.abs(batch) for batch in _batches(np.dtype(dtype), rng)]
    store = make_score_counts(np.dtype(dtype))
    for batch in batches:
        store.add(batch)
    everything = np.concatenate(batches)
    thresholds = np.sort(np.concatenate([everything[:15], np.abs(rng.normal(size=5) * 60)]))
    thresholds = thresholds.astype(dtype)
    np.testing.assert_array_equal(
        store.count_below(thresholds, inclusive=False),
        [(everything < threshold).sum() for threshold in thresholds],
    )
    np.testing.assert_array_equal(
        store.count_below(thresholds, inclusive=True),
        [(everything <= threshold).sum() for threshold in thresholds],
    )


def test_signed_zeros_share_one_entry() -> None:
    for store in (BitPatternCounts(np.dtype(np.float16)), SortedRunCounts(np.dtype(np.float32))):
        store.add(np.array([-0.0, 1.0]))
        store.add(np.array([0.0, -0.0]))
        values, counts = store.sorted_counts()
        assert values.tolist() == [0.0, 1.0]
        assert counts.tolist() == [3, 1]


def test_collapse_across_chunk_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(score_counts, "_CHUNK", 2)  # equal keys straddle chunks
    batches = [np.array([1, 1, 2, 2, 2, 5], np.float32), np.array([2, 2, 5, 7], np.float32)]
    store = SortedRunCounts(np.dtype(np.float32))
    for batch in batches:
        store.add(batch)
    values, counts = store.sorted_counts()
    assert values.tolist() == [1, 2, 5, 7]
    assert counts.tolist() == [2, 5, 2, 1]


def test_switches_to_wide_counts_before_packed_counts_overflow(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(score_counts._PackedRunCodec, "max_total", 20)
    batches = _batches(np.dtype(np.float32), np.random.default_rng(2), num_batches=4)
    store = SortedRunCounts(np.dtype(np.float32))
    for batch in batches:
        store.add(batch)
    assert isinstance(store._codec, score_counts._PairRunCodec)
    values, counts = store.sorted_counts()
    expected_values, expected_counts = _expected(batches)
    np.testing.assert_array_equal(values, expected_values)
    np.testing.assert_array_equal(counts, expected_counts)


def test_empty_store_reads_as_empty() -> None:
    for dtype in ("float16", "float32", "float64"):
        store = make_score_counts(np.dtype(dtype))
        store.add(np.empty(0, dtype))
        values, counts = store.sorted_counts()
        assert values.size == counts.size == store.total() == 0
        assert store.count_below(np.array([1.0], dtype), inclusive=True).tolist() == [0]
