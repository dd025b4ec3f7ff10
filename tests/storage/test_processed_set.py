"""The Kedro-free processed set: frame references as plain data, and stale frames recomputed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from synboost_kedro.frames import ProcessedFrame
from synboost_kedro.images import ImageReadError
from synboost_kedro.storage.processed_set import (
    ProcessedSet,
    StoredFrame,
    frames_from_json,
    frames_to_json,
)

FIELDS = ("entropy",)


class _Producer:
    """Frames whose values say which model made them; the provenance names that model."""

    def __init__(self, frame_ids: list[str], model: int, fail_after: int | None = None) -> None:
        self._ids, self._model, self._fail_after = frame_ids, model, fail_after
        self.produced: list[str] = []

    def frame_ids(self) -> list[str]:
        return self._ids

    def provenance(self) -> str:
        return f"model-{self._model}"

    def __call__(self, skip: set[str]):
        for frame_id in self._ids:
            if frame_id in skip:
                continue
            if self._fail_after is not None and len(self.produced) == self._fail_after:
                raise KeyboardInterrupt("killed")
            self.produced.append(frame_id)
            yield ProcessedFrame(frame_id, entropy=np.full((2, 2), self._model, np.uint8))


def _models(root: Path) -> dict[str, int]:
    return {
        frame_id: int(load().entropy[0, 0])
        for frame_id, load in ProcessedSet(str(root), FIELDS).loaders().items()
    }


def test_an_interrupted_rebuild_is_finished_on_the_next_run_not_taken_as_complete(tmp_path):
    frame_ids = ["a", "b", "c"]
    ProcessedSet(str(tmp_path), FIELDS).save(_Producer(frame_ids, model=1))
    with pytest.raises(KeyboardInterrupt):
        ProcessedSet(str(tmp_path), FIELDS, overwrite=True).save(
            _Producer(frame_ids, model=2, fail_after=1)
        )
    assert _models(tmp_path) == {"a": 2, "b": 1, "c": 1}  # the mix a killed rebuild leaves

    again = _Producer(frame_ids, model=2)
    ProcessedSet(str(tmp_path), FIELDS).save(again)

    assert again.produced == ["b", "c"]
    assert _models(tmp_path) == {"a": 2, "b": 2, "c": 2}


def test_frames_made_by_the_same_model_are_not_recomputed(tmp_path):
    ProcessedSet(str(tmp_path), FIELDS).save(_Producer(["a", "b"], model=1))
    again = _Producer(["a", "b"], model=1)

    ProcessedSet(str(tmp_path), FIELDS).save(again)

    assert again.produced == []


def test_frame_references_round_trip_as_plain_data_and_refuse_unknown_fields(tmp_path):
    ProcessedSet(str(tmp_path), FIELDS).save({"a": ProcessedFrame("a", entropy=np.zeros((2, 2)))})
    loaders = ProcessedSet(str(tmp_path), FIELDS).loaders()

    rebuilt = frames_from_json(frames_to_json(loaders))

    assert rebuilt == loaders and rebuilt["a"]().entropy.shape == (2, 2)
    with pytest.raises(ValueError, match="only frames stored in a processed set"):
        frames_to_json({"a": lambda: None})
    with pytest.raises(ValueError, match=r"Unknown processed fields \['code'\]"):
        StoredFrame.from_json({"root": str(tmp_path), "fields": ["code"], "frame_id": "a"})


def test_logit_baselines_are_stored_as_float16_npy_files(tmp_path: Path):
    scores = np.array([[1e-3, -12.5], [0.25, 3.0]], np.float32)

    ProcessedSet(str(tmp_path), ("max_logit",)).save({"a": ProcessedFrame("a", max_logit=scores)})
    stored = ProcessedSet(str(tmp_path), ("max_logit",)).loaders()["a"]().max_logit

    assert (tmp_path / "max_logit" / "a.npy").is_file()
    assert stored.dtype == np.float16
    np.testing.assert_array_equal(stored, scores.astype(np.float16))


def test_float_maps_that_overflow_float16_or_are_broken_are_named(tmp_path: Path):
    huge = ProcessedFrame("a", energy=np.full((2, 2), -1e6, np.float32))
    with pytest.raises(ValueError, match=r"a\.npy': values are not finite as float16"):
        ProcessedSet(str(tmp_path), ("energy",)).save({"a": huge})
    (tmp_path / "energy").mkdir(exist_ok=True)
    (tmp_path / "energy" / "b.npy").write_bytes(b"not a numpy file")

    with pytest.raises(ImageReadError, match=r"b\.npy': unreadable or truncated float map"):
        ProcessedSet(str(tmp_path), ("energy",)).loaders()["b"]()
