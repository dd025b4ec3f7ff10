from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from kedro.io.core import DatasetError

from synboost_kedro.datasets import ProcessedDataset
from synboost_kedro.frames import ProcessedFrame

FIELDS = ["image", "label", "entropy"]


def _frame(frame_id: str, value: int = 0) -> ProcessedFrame:
    return ProcessedFrame(
        frame_id,
        image=np.full((4, 6, 3), value, dtype=np.uint8),
        label=np.eye(4, 6, dtype=np.uint8),
        entropy=np.full((2, 3), value, dtype=np.uint8),  # maps may have their own size
    )


class _Producer:
    def __init__(self, frame_ids: Sequence[str], value: int) -> None:
        self._ids, self._value, self.produced = list(frame_ids), value, []

    def frame_ids(self) -> Sequence[str]:
        return self._ids

    def __call__(self, skip: set[str]) -> Iterator[ProcessedFrame]:
        for frame_id in self._ids:
            if frame_id not in skip:
                self.produced.append(frame_id)
                yield _frame(frame_id, self._value)


def test_round_trip_in_the_original_folder_layout(tmp_path: Path):
    dataset = ProcessedDataset(str(tmp_path), FIELDS)
    dataset.save({"b": _frame("b", 2), "a": lambda: _frame("a", 1)})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entropy", "labels", "original"]
    loaders = dataset.load()
    assert list(loaders) == ["a", "b"]
    frame = loaders["b"]()
    np.testing.assert_array_equal(frame.image, _frame("b", 2).image)
    np.testing.assert_array_equal(frame.label, _frame("b").label)
    assert frame.entropy.shape == (2, 3) and frame.synthesis is None


def test_producer_skips_stored_frames_unless_overwriting(tmp_path: Path):
    ProcessedDataset(str(tmp_path), FIELDS).save({"a": _frame("a", 1)})
    producer = _Producer(["a", "b"], value=7)
    ProcessedDataset(str(tmp_path), FIELDS).save(producer)
    assert producer.produced == ["b"]
    assert ProcessedDataset(str(tmp_path), FIELDS).load()["a"]().image.max() == 1

    producer = _Producer(["a", "b"], value=9)
    ProcessedDataset(str(tmp_path), FIELDS, overwrite=True).save(producer)
    assert producer.produced == ["a", "b"]
    assert ProcessedDataset(str(tmp_path), FIELDS).load()["a"]().image.max() == 9


def test_missing_field_file_is_named(tmp_path: Path):
    dataset = ProcessedDataset(str(tmp_path), FIELDS)
    dataset.save({"a": _frame("a")})
    (tmp_path / "entropy" / "a.png").unlink()
    with pytest.raises(DatasetError, match="entropy/a.png"):
        dataset.load()


def test_annotation_size_mismatch_is_refused(tmp_path: Path):
    dataset = ProcessedDataset(str(tmp_path), FIELDS)
    frame = _frame("a")
    dataset.save(
        {
            "a": ProcessedFrame(
                "a", frame.image, label=np.zeros((3, 3), np.uint8), entropy=frame.entropy
            )
        }
    )
    with pytest.raises(ValueError, match="unequal sizes"):
        dataset.load()["a"]()


def test_frame_without_a_configured_field_is_refused(tmp_path: Path):
    with pytest.raises(DatasetError, match="has no 'image'"):
        ProcessedDataset(str(tmp_path), FIELDS).save({"a": ProcessedFrame("a", image=None)})


def test_unknown_field_and_empty_folder(tmp_path: Path):
    with pytest.raises(DatasetError, match="Unknown processed fields \\['depth'\\]"):
        ProcessedDataset(str(tmp_path), ["depth"])
    with pytest.raises(DatasetError, match="No frames"):
        ProcessedDataset(str(tmp_path), FIELDS).load()
