"""measure_score_folders: the evaluation pipeline's metrics from plain folders, and errors that
name the file."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from synboost_kedro.datasets import ProcessedDataset, ScoreMapDataset
from synboost_kedro.evaluation import BASE_METHODS
from synboost_kedro.evaluation.folders import measure_score_folders, score_files
from synboost_kedro.pipelines.evaluation.nodes import measure_set
from synboost_kedro.storage.score_files import write_smiyc_scores
from tests.conftest import STORED_FRAME_IDS as FRAME_IDS
from tests.conftest import STORED_SIZE, write_stored_set

HEIGHT, WIDTH = STORED_SIZE


def test_every_metric_equals_the_evaluation_pipelines_on_its_stored_scores(tmp_path):
    labels, scores = write_stored_set(tmp_path)
    params = {"curve_points": 8, "batch_size": 1, "device": "cpu", "overlay_frames": 1}
    params["fusion"] = {"weights": {"dissimilarity": 1.0}, "grid_search": False}
    pipeline = measure_set(
        ProcessedDataset(str(labels), ["image", "label"]).load(),
        ScoreMapDataset(str(scores), BASE_METHODS).load(),
        {"dissimilarity": 1.0},
        params,
        track="obstacle",
    )["metrics"]

    folders = {method: scores / method for method in BASE_METHODS}
    measured = measure_score_folders(folders, labels, "fishyscapes").methods

    for method in BASE_METHODS:
        assert measured[method].scalars() == pipeline[method].scalars(), method


def test_smiyc_layout_and_hdf5_scores_give_the_same_metrics(tmp_path):
    labels, scores = write_stored_set(tmp_path)
    smiyc = tmp_path / "smiyc"
    (smiyc / "labels_masks").mkdir(parents=True)
    for frame_id in FRAME_IDS:
        label = Image.open(labels / "labels" / f"{frame_id}.png")
        label.save(smiyc / "labels_masks" / f"{frame_id}_labels_semantic.png")
        stored = np.load(scores / "dissimilarity" / f"{frame_id}.npy")
        write_smiyc_scores(tmp_path / "hdf5" / f"{frame_id}.hdf5", stored)

    from_npy = measure_score_folders(
        {"m": scores / "dissimilarity"}, labels, "fishyscapes", "anomaly"
    )
    from_hdf5 = measure_score_folders({"m": tmp_path / "hdf5"}, smiyc, "smiyc")

    assert from_hdf5.methods["m"].scalars() == from_npy.methods["m"].scalars()


def test_a_frame_stored_in_several_forms_is_read_from_the_most_exact(tmp_path):
    np.save(tmp_path / "a.npy", np.zeros((2, 2), np.float32))
    Image.fromarray(np.zeros((2, 2), np.uint16)).save(tmp_path / "a.png")
    Image.fromarray(np.zeros((2, 2), np.uint16)).save(tmp_path / "b.png")
    (tmp_path / "summary.json").write_text("{}")

    assert score_files(tmp_path) == {"a": tmp_path / "a.npy", "b": tmp_path / "b.png"}


def test_unlabelled_score_files_are_left_out_with_a_warning(tmp_path, caplog):
    labels, scores = write_stored_set(tmp_path)
    np.save(scores / "dissimilarity" / "hidden_test_frame.npy", np.zeros((2, 2), np.float16))

    result = measure_score_folders({"m": scores / "dissimilarity"}, labels, "fishyscapes")

    assert result.methods["m"].pixel.num_anomaly_pixels > 0
    assert "1 score file(s) have no label" in caplog.text


def test_missing_and_mismatched_files_are_named(tmp_path):
    labels, scores = write_stored_set(tmp_path)
    folder = scores / "dissimilarity"
    (folder / "f1.npy").unlink()
    with pytest.raises(
        FileNotFoundError, match=r"1 labelled frame\(s\) have no score file.*f1\.npy"
    ):
        measure_score_folders({"m": folder}, labels, "fishyscapes")

    np.save(folder / "f1.npy", np.zeros((HEIGHT, WIDTH + 1), np.float16))
    with pytest.raises(
        ValueError, match=rf"f1\.npy' is {WIDTH + 1}x{HEIGHT} but its label '.*f1\.png'"
    ):
        measure_score_folders({"m": folder}, labels, "fishyscapes")


def test_labels_out_of_layout_or_format_are_named(tmp_path):
    labels, scores = write_stored_set(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"labels_masks/<frame id>_labels_semantic\.png"):
        measure_score_folders({"m": scores / "entropy"}, labels, "smiyc")

    Image.fromarray(np.full((HEIGHT, WIDTH), 7, np.uint8)).save(labels / "labels" / "f0.png")
    with pytest.raises(ValueError, match=r"f0\.png' holds values \[7\]"):
        measure_score_folders({"m": scores / "entropy"}, labels, "fishyscapes")
