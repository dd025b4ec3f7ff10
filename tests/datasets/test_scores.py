from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from kedro.io.core import DatasetError

from synboost_kedro.datasets import ScoreMapDataset

METHODS = ("entropy", "dissimilarity")


class _Producer:
    def __init__(self, frame_ids: Sequence[str]) -> None:
        self._ids, self.produced = list(frame_ids), []

    def frame_ids(self) -> Sequence[str]:
        return self._ids

    def __call__(self, skip: set[str]) -> Iterator[tuple[str, dict[str, np.ndarray]]]:
        for frame_id in self._ids:
            if frame_id not in skip:
                self.produced.append(frame_id)
                yield frame_id, {m: np.full((2, 3), 0.1, np.float32) for m in METHODS}


def test_round_trip_stores_float16(tmp_path: Path):
    dataset = ScoreMapDataset(str(tmp_path), METHODS)
    dataset.save(_Producer(["b", "a"]))
    loaders = dataset.load()
    assert list(loaders) == ["a", "b"]
    scores = loaders["a"]()
    assert scores["entropy"].dtype == np.float16
    np.testing.assert_array_equal(scores["entropy"], np.float16(0.1))
    assert (tmp_path / "dissimilarity" / "b.npy").is_file()


def test_resumes_unless_overwriting(tmp_path: Path):
    ScoreMapDataset(str(tmp_path), METHODS).save(_Producer(["a"]))
    producer = _Producer(["a", "b"])
    ScoreMapDataset(str(tmp_path), METHODS).save(producer)
    assert producer.produced == ["b"]
    producer = _Producer(["a", "b"])
    ScoreMapDataset(str(tmp_path), METHODS, overwrite=True).save(producer)
    assert producer.produced == ["a", "b"]


def test_errors_name_the_problem(tmp_path: Path):
    with pytest.raises(DatasetError, match="at least one method"):
        ScoreMapDataset(str(tmp_path), [])
    dataset = ScoreMapDataset(str(tmp_path), METHODS)
    with pytest.raises(DatasetError, match="No score maps"):
        dataset.load()
    with pytest.raises(DatasetError, match=r"no scores for \['entropy'\]"):
        dataset.save({"a": {"dissimilarity": np.zeros((2, 2))}})
    dataset.save(_Producer(["a", "b"]))
    (tmp_path / "entropy" / "b.npy").unlink()
    with pytest.raises(DatasetError, match="Frame 'b'.*lacks some of the methods"):
        dataset.load()
