"""AnomalyDetectorDataset: the folder kedro-mlflow packs into the served model."""

from __future__ import annotations

import pytest
from kedro.io.core import DatasetError

from synboost_kedro.datasets.anomaly_detector import AnomalyDetectorDataset


def test_missing_detector_fails_naming_the_folder(tmp_path):
    dataset = AnomalyDetectorDataset(str(tmp_path / "detector"), device="cpu")

    assert not dataset.exists()
    with pytest.raises(DatasetError, match="detector' holds no saved anomaly detector"):
        dataset.load()


def test_exposes_the_filepath_kedro_mlflow_copies(tmp_path):
    dataset = AnomalyDetectorDataset(str(tmp_path / "detector"))

    assert dataset._filepath == tmp_path / "detector"
    assert dataset._describe() == {"filepath": str(tmp_path / "detector"), "device": "auto"}
