"""Exact counts of score values whose memory follows the number of distinct values, not of pixels.

Two stores share one interface (:class:`ScoreCounts`):

- :class:`BitPatternCounts` for 8- and 16-bit dtypes (float16 as SegmentMeIfYouCan stores scores,
  uint8/uint16 PNG maps): a fixed histogram over the bit patterns, exact because each bit pattern
  is one value. 65536 counters at most, however many frames.
- :class:`SortedRunCounts` for wider dtypes (float32, float64, 32/64-bit integers): sorted distinct
  values with counts, merged lazily; 4-byte values with their count packed into one uint64 word
  (8 bytes per distinct value), 8-byte values beside an int64 count.
"""

from __future__ import annotations

import sys
from typing import Any, Protocol

import numpy as np

_NARROW_COUNT = np.dtype(np.uint32)
_WIDE_COUNT = np.dtype(np.int64)
_LOW_HALF = np.uint64(0xFFFFFFFF)
_HALF_BITS = np.uint64(32)
_SIGN_BIT = np.uint32(0x80000000)
#: Pending entries, relative to the main run, that trigger a merge: fewer merge passes against at
#: most this factor of extra memory when frames repeat the same values.
_PENDING_RATIO = 4
#: Entries processed at once when decoding or collapsing, to bound temporary memory.
_CHUNK = 1 << 22


class ScoreCounts(Protocol):
    """Multiset of scores of one dtype."""

    def add(self, scores: np.ndarray) -> None:
        """Count every element of ``scores`` (any shape)."""

    def total(self) -> int:
        """Number of scores added."""

    def sorted_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """Distinct values in ascending order (store dtype) and their integer counts."""

    def count_below(self, thresholds: np.ndarray, inclusive: bool) -> np.ndarray:
        """int64 number of stored scores ``< t`` (``<= t`` if inclusive) for each ascending
        threshold ``t`` of the store dtype."""


def make_score_counts(dtype: np.dtype) -> ScoreCounts:
    """The cheapest exact store for scores of ``dtype``."""
    if dtype.itemsize <= 2:
        return BitPatternCounts(dtype)
    return SortedRunCounts(dtype)


def collapse_equal_values(
    sorted_values: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sum the counts of equal neighbours of an ascending array (e.g. ``-0.0`` and ``0.0``)."""
    if sorted_values.size == 0:
        return sorted_values, counts.astype(_WIDE_COUNT)
    starts = np.flatnonzero(np.concatenate(([True], sorted_values[1:] != sorted_values[:-1])))
    return sorted_values[starts], np.add.reduceat(counts, starts, dtype=_WIDE_COUNT)


def prefix_sums(counts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """``counts[:stop].sum()`` for ascending stops, in memory of the order of ``stops`` only."""
    edges = np.unique(np.concatenate(([0], stops)))
    edges = edges[edges < counts.size]
    segment_sums = (
        np.add.reduceat(counts, edges, dtype=_WIDE_COUNT) if edges.size else np.empty(0, np.int64)
    )
    sums_at_edges = np.concatenate(([0], np.cumsum(segment_sums)))
    return sums_at_edges[np.searchsorted(np.append(edges, counts.size), stops)]


def _count_below_sorted(
    values: np.ndarray, counts: np.ndarray, thresholds: np.ndarray, inclusive: bool
) -> np.ndarray:
    stops = np.searchsorted(values, thresholds, side="right" if inclusive else "left")
    return prefix_sums(counts, stops)


class BitPatternCounts:
    """Histogram over all bit patterns of an 8- or 16-bit dtype."""

    def __init__(self, dtype: np.dtype) -> None:
        if dtype.itemsize > 2:
            raise ValueError(f"BitPatternCounts needs a dtype of at most 16 bits, got {dtype}")
        self._dtype = np.dtype(dtype)
        self._pattern_dtype = np.dtype(f"u{self._dtype.itemsize}")
        self._counts = np.zeros(256**self._dtype.itemsize, dtype=_WIDE_COUNT)

    def add(self, scores: np.ndarray) -> None:
        patterns = np.ascontiguousarray(scores, dtype=self._dtype).view(self._pattern_dtype)
        self._counts += np.bincount(patterns.ravel(), minlength=self._counts.size)

    def total(self) -> int:
        return int(self._counts.sum())

    def sorted_counts(self) -> tuple[np.ndarray, np.ndarray]:
        present = np.flatnonzero(self._counts)
        values = present.astype(self._pattern_dtype).view(self._dtype)
        order = np.argsort(values, kind="stable")
        return collapse_equal_values(values[order], self._counts[present][order])

    def count_below(self, thresholds: np.ndarray, inclusive: bool) -> np.ndarray:
        return _count_below_sorted(*self.sorted_counts(), thresholds, inclusive)


class SortedRunCounts:
    """Sorted distinct values with counts: one merged run plus the runs of recent frames.

    Pending runs are merged into the main run once they hold ``_PENDING_RATIO`` times as many
    entries as it does: the main run grows geometrically, every entry is re-merged
    O(log frames) times, and repeated values across frames are folded before they pile up.
    """

    def __init__(self, dtype: np.dtype) -> None:
        self._dtype = np.dtype(dtype)
        self._codec: _RunCodec = (
            _PackedRunCodec(self._dtype) if self._dtype.itemsize == 4 else _PairRunCodec()
        )
        self._total = 0
        self._merged_size = 0
        # The main run first, then pending runs; each run sorted and free of repeated values.
        self._runs: list = []

    def add(self, scores: np.ndarray) -> None:
        if scores.size == 0:
            return
        self._total += scores.size
        if self._total > self._codec.max_total:
            self._switch_codec(_PairRunCodec())
        values, counts = np.unique(scores.astype(self._dtype, copy=False), return_counts=True)
        self._runs.append(self._codec.encode(values, counts))
        pending_size = sum(self._codec.size(run) for run in self._runs[1:])
        if pending_size >= _PENDING_RATIO * self._merged_size:
            self._merge_runs()

    def total(self) -> int:
        return self._total

    def sorted_counts(self) -> tuple[np.ndarray, np.ndarray]:
        return self._codec.decode(self._merged_run())

    def count_below(self, thresholds: np.ndarray, inclusive: bool) -> np.ndarray:
        return self._codec.count_below(self._merged_run(), thresholds, inclusive)

    def _merged_run(self) -> Any:
        if not self._runs:
            return self._codec.encode(np.empty(0, self._dtype), np.empty(0, _WIDE_COUNT))
        self._merge_runs()
        return self._runs[0]

    def _merge_runs(self) -> None:
        runs, self._runs = self._runs, []
        merged = self._codec.merge(runs)
        self._merged_size = self._codec.size(merged)
        self._runs = [merged]

    def _switch_codec(self, codec: _RunCodec) -> None:
        self._runs = [codec.encode(*self._codec.decode(run)) for run in self._runs]
        self._codec = codec


class _RunCodec(Protocol):
    """How a run of sorted distinct values with counts is stored, merged and queried."""

    #: Largest total count the representation can hold without overflow.
    max_total: int

    def encode(self, values: np.ndarray, counts: np.ndarray) -> Any: ...

    def decode(self, run: Any) -> tuple[np.ndarray, np.ndarray]: ...

    def size(self, run: Any) -> int: ...

    def merge(self, runs: list) -> Any:
        """Merge runs into one; empties ``runs`` so their memory is freed while merging."""

    def count_below(self, run: Any, thresholds: np.ndarray, inclusive: bool) -> np.ndarray: ...


class _PackedRunCodec:
    """4-byte values as order-preserving 32-bit keys in the high half of a uint64 word, the count
    in the low half: sorting the words sorts by value, merging needs no argsort, queries need no
    decoding, and an entry costs 8 bytes."""

    max_total = int(_LOW_HALF)

    def __init__(self, dtype: np.dtype) -> None:
        if dtype.itemsize != 4:
            raise ValueError(f"_PackedRunCodec needs a 4-byte dtype, got {dtype}")
        self._dtype = dtype

    def encode(self, values: np.ndarray, counts: np.ndarray) -> np.ndarray:
        return (self._keys(values).astype(np.uint64) << _HALF_BITS) | counts.astype(np.uint64)

    def decode(self, run: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        values = np.empty(run.size, self._dtype)
        for start in range(0, run.size, _CHUNK):
            keys = (run[start : start + _CHUNK] >> _HALF_BITS).astype(np.uint32)
            values[start : start + _CHUNK] = self._values(keys)
        return values, _low_halves(run)

    def size(self, run: np.ndarray) -> int:
        return run.size

    def merge(self, runs: list) -> np.ndarray:
        words = np.empty(sum(run.size for run in runs), np.uint64)
        filled = 0
        while runs:
            run = runs.pop()
            words[filled : filled + run.size] = run
            filled += run.size
        # Timsort merges the concatenated sorted runs in about linear time.
        words.sort(kind="stable")
        return _collapse_sorted_words(words)

    def count_below(self, run: np.ndarray, thresholds: np.ndarray, inclusive: bool) -> np.ndarray:
        threshold_words = self._keys(thresholds).astype(np.uint64) << _HALF_BITS
        if inclusive:
            stops = np.searchsorted(run, threshold_words | _LOW_HALF, side="right")
        else:
            stops = np.searchsorted(run, threshold_words, side="left")
        return prefix_sums(_low_halves(run), stops)

    def _keys(self, values: np.ndarray) -> np.ndarray:
        if self._dtype.kind == "f":
            values = values + self._dtype.type(0)  # -0.0 -> +0.0: one key per value
        bits = np.ascontiguousarray(values, dtype=self._dtype).view(np.uint32)
        if self._dtype.kind == "f":
            return np.where(bits & _SIGN_BIT, ~bits, bits | _SIGN_BIT)
        if self._dtype.kind == "i":
            return bits ^ _SIGN_BIT
        return bits

    def _values(self, keys: np.ndarray) -> np.ndarray:
        if self._dtype.kind == "f":
            bits = np.where(keys & _SIGN_BIT, keys ^ _SIGN_BIT, ~keys)
        elif self._dtype.kind == "i":
            bits = keys ^ _SIGN_BIT
        else:
            bits = keys
        return bits.view(self._dtype)


def _low_halves(words: np.ndarray) -> np.ndarray:
    """The count halves of packed words, as a uint32 view (no copy)."""
    return words.view(np.uint32)[0 if sys.byteorder == "little" else 1 :: 2]


def _collapse_sorted_words(words: np.ndarray) -> np.ndarray:
    """Sum the counts of words with equal keys, compacting in place chunk by chunk."""
    written = 0
    for start in range(0, words.size, _CHUNK):
        block = words[start : start + _CHUNK]
        keys = block >> _HALF_BITS
        last_of_key = np.flatnonzero(np.concatenate((keys[1:] != keys[:-1], [True])))
        # Differences of a running total are much faster than reduceat over mostly 1-long runs.
        counts = np.diff(np.cumsum(block & _LOW_HALF)[last_of_key], prepend=np.uint64(0))
        del block  # a view into words: none may survive the in-place resize below
        collapsed = (keys[last_of_key] << _HALF_BITS) | counts
        if written and words[written - 1] >> _HALF_BITS == keys[0]:
            words[written - 1] += collapsed[0] & _LOW_HALF
            collapsed = collapsed[1:]
        words[written : written + collapsed.size] = collapsed
        written += collapsed.size
    # Shrinking in place avoids holding a second copy of the largest array.
    words.resize(written, refcheck=False)
    return words


class _PairRunCodec:
    """Values and int64 counts side by side, merged with a stable argsort (any dtype)."""

    max_total = int(np.iinfo(np.int64).max)

    def encode(self, values: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return values, counts.astype(_WIDE_COUNT)

    def decode(self, run: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        return run

    def size(self, run: tuple[np.ndarray, np.ndarray]) -> int:
        return run[0].size

    def merge(self, runs: list) -> tuple[np.ndarray, np.ndarray]:
        values = np.concatenate([run[0] for run in runs])
        counts = np.concatenate([run[1] for run in runs])
        runs.clear()
        order = np.argsort(values, kind="stable")
        return collapse_equal_values(values[order], counts[order])

    def count_below(
        self, run: tuple[np.ndarray, np.ndarray], thresholds: np.ndarray, inclusive: bool
    ) -> np.ndarray:
        return _count_below_sorted(*run, thresholds, inclusive)
