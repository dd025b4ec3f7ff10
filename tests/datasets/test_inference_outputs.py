"""InferenceOutputDataset: one file per kind and image, written as the producer yields."""

from __future__ import annotations

import numpy as np
import pytest
from kedro.io.core import DatasetError
from PIL import Image

from synboost_kedro.datasets.inference_outputs import OUTPUT_KINDS, InferenceOutputDataset
from synboost_kedro.inference import AnomalyAnalysis


def _analysis(height: int = 4, width: int = 6) -> AnomalyAnalysis:
    ramp = np.linspace(-0.2, 1.2, height * width, dtype=np.float32).reshape(height, width)
    return AnomalyAnalysis(
        anomaly=ramp,
        dissimilarity=ramp,
        semantic=np.full((height, width), 13, np.uint8),
        synthesis=np.zeros((height, width, 3), np.uint8),
        entropy=np.full((height, width), 0.5, np.float32),
        distance=np.zeros((height, width), np.float32),
        perceptual=np.ones((height, width), np.float32),
    )


def test_writes_every_kind_streaming_and_keeps_raw_scores(tmp_path):
    written = []

    def producer():
        for name in ("a", "b"):
            yield name, np.zeros((4, 6, 3), np.uint8), _analysis()
            written.append(sorted(path.name for path in tmp_path.rglob(f"{name}.*")))

    InferenceOutputDataset(str(tmp_path)).save(producer)

    # Every PNG, the .npy and the figure, before image b.
    assert len(written[0]) == len(OUTPUT_KINDS) + 2
    scores = np.load(tmp_path / "anomaly" / "a.npy")
    np.testing.assert_array_equal(scores, _analysis().anomaly)
    png = np.asarray(Image.open(tmp_path / "anomaly" / "a.png"))
    assert png.min() == 0 and png.max() == 65535  # clipped to [0, 1]
    assert np.asarray(Image.open(tmp_path / "entropy" / "a.png")).max() == 127
    assert tuple(np.asarray(Image.open(tmp_path / "semantic" / "a.png"))[0, 0]) == (0, 0, 142)
    assert not list(tmp_path.rglob(".*tmp*"))


def test_refuses_data_that_is_not_a_producer_and_loading_nothing(tmp_path):
    dataset = InferenceOutputDataset(str(tmp_path))

    with pytest.raises(DatasetError, match="producer"):
        dataset.save([("a", None, None)])
    with pytest.raises(DatasetError, match="No anomaly maps"):
        dataset.load()
