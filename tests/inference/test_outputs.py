"""write_outputs: the default layout's summary, and SegmentMeIfYouCan's float16 HDF5 files."""

from __future__ import annotations

import csv
import json

import h5py
import numpy as np
import pytest

from synboost_kedro.inference import AnomalyAnalysis
from synboost_kedro.inference.outputs import IMAGES_FILE, SUMMARY_FILE, write_outputs


def _analysis(scores: np.ndarray) -> AnomalyAnalysis:
    height, width = scores.shape
    zeros = np.zeros((height, width), np.float32)
    return AnomalyAnalysis(
        anomaly=scores,
        dissimilarity=scores,
        semantic=np.zeros((height, width), np.uint8),
        synthesis=np.zeros((height, width, 3), np.uint8),
        entropy=zeros,
        distance=zeros,
        perceptual=zeros,
    )


class _Producer:
    """Two images, and one it could not read."""

    def __init__(self, scores: dict[str, np.ndarray]) -> None:
        self._scores = scores
        self.skipped: dict[str, str] = {}

    def __call__(self):
        self.skipped["broken"] = "unreadable"
        for name, scores in self._scores.items():
            yield name, np.zeros((*scores.shape, 3), np.uint8), _analysis(scores)


def test_smiyc_format_writes_one_float16_hdf5_per_image_and_the_summary(tmp_path):
    rng = np.random.default_rng(0)
    scores = {name: rng.random((5, 7)).astype(np.float32) for name in ("a", "b")}

    summary = write_outputs(tmp_path, _Producer(scores), "smiyc")

    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "a.hdf5",
        "b.hdf5",
        IMAGES_FILE,
        SUMMARY_FILE,
    ]
    for name, expected in scores.items():
        with h5py.File(tmp_path / f"{name}.hdf5") as file:
            stored = file["value"]
            assert stored.dtype == np.float16 and stored.compression == "gzip"
            np.testing.assert_array_equal(stored[()], expected.astype(np.float16))
    assert summary == {"written": ["a", "b"], "skipped": {"broken": "unreadable"}}
    assert json.loads((tmp_path / SUMMARY_FILE).read_text()) == summary


def test_default_format_keeps_the_exact_scores(tmp_path):
    scores = np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4)

    write_outputs(tmp_path, _Producer({"a": scores}))

    np.testing.assert_array_equal(np.load(tmp_path / "anomaly" / "a.npy"), scores)
    assert (tmp_path / "overlay" / "a.png").is_file()


def test_unknown_format_is_refused_before_anything_runs(tmp_path):
    with pytest.raises(ValueError, match="Unknown output format 'fishy'"):
        write_outputs(tmp_path, _Producer({}), "fishy")
    assert not any(tmp_path.iterdir())


def test_every_written_image_has_a_row_of_its_scores(tmp_path):
    scores = {
        "a": np.array([[0.1, 0.9], [0.2, 0.6]], np.float32),
        "b": np.zeros((1, 3), np.float32),
    }

    write_outputs(tmp_path, _Producer(scores), "smiyc")

    rows = list(csv.DictReader((tmp_path / IMAGES_FILE).open()))
    assert rows == [
        {
            "name": "a",
            "height": "2",
            "width": "2",
            "max_score": "0.9",
            "mean_score": "0.45",
            "share_above_0.5": "0.5",
        },
        {
            "name": "b",
            "height": "1",
            "width": "3",
            "max_score": "0.0",
            "mean_score": "0.0",
            "share_above_0.5": "0.0",
        },
    ]
