"""read_score_file: every stored form of a score map, and errors that name the file."""

from __future__ import annotations

import h5py
import numpy as np
import pytest
from PIL import Image

from synboost_kedro.storage.score_files import read_score_file, write_smiyc_scores

SCORES = np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4)


def test_npy_and_smiyc_hdf5_keep_their_dtype(tmp_path):
    np.save(tmp_path / "a.npy", SCORES.astype(np.float16))
    write_smiyc_scores(tmp_path / "a.hdf5", SCORES)

    for name in ("a.npy", "a.hdf5"):
        read = read_score_file(tmp_path / name)
        assert read.dtype == np.float16, name
        np.testing.assert_array_equal(read, SCORES.astype(np.float16))
    with h5py.File(tmp_path / "a.hdf5") as file:
        assert file["value"].compression == "gzip"


@pytest.mark.parametrize(("dtype", "top"), [(np.uint16, 65535), (np.uint8, 255)])
def test_png_scores_are_scaled_to_the_unit_interval(tmp_path, dtype, top):
    Image.fromarray((SCORES * top).round().astype(dtype)).save(tmp_path / "a.png")

    np.testing.assert_allclose(read_score_file(tmp_path / "a.png"), SCORES, atol=0.5 / top)


def test_bad_files_are_refused_naming_them(tmp_path):
    np.save(tmp_path / "nan.npy", np.array([[np.nan, 0.0]]))
    np.save(tmp_path / "cube.npy", np.zeros((2, 2, 2)))
    np.save(tmp_path / "objects.npy", np.array([{"a": 1}]), allow_pickle=True)
    Image.fromarray(np.zeros((2, 2, 3), np.uint8)).save(tmp_path / "rgb.png")
    (tmp_path / "a.txt").write_text("0.5")
    with h5py.File(tmp_path / "other.hdf5", "w") as file:
        file["scores"] = SCORES

    for name, reason in (
        ("nan.npy", "contain NaN"),
        ("cube.npy", r"expected an \[H, W\] map"),
        ("objects.npy", "unreadable score file"),
        ("rgb.png", "mode 'RGB'"),
        ("a.txt", "not a score file"),
        ("other.hdf5", "no dataset 'value'"),
    ):
        with pytest.raises(ValueError, match=f"{name}'.*{reason}"):
            read_score_file(tmp_path / name)
