"""The evaluation pipeline on a hand-made catalog: a tiny dissimilarity network and maps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from kedro.io import DataCatalog
from kedro.runner import SequentialRunner
from kedro_datasets.json import JSONDataset
from kedro_datasets.text import TextDataset
from sklearn.metrics import average_precision_score

from synboost_kedro.datasets import ScoreMapDataset
from synboost_kedro.evaluation import BASE_METHODS, METHODS
from synboost_kedro.frames import LOGIT_BASELINES, ProcessedFrame
from synboost_kedro.models.dissimilarity import DissimilarityConfig, DissimilarityNet
from synboost_kedro.pipelines.evaluation import create_pipeline
from synboost_kedro.pipelines.evaluation.nodes import build_report, measure_set
from synboost_kedro.pipelines.sets import SELECTION_SET
from synboost_kedro.scoring import resize_scores
from tests.pipelines.conftest import BENCHMARK_NAMES, BENCHMARKS

HEIGHT, WIDTH = 24, 40  # label resolution; the network runs at 16x32


def _frames(seed: int, count: int = 3) -> tuple[dict, dict]:
    rng = np.random.default_rng(seed)
    frames, maps = {}, {}
    for index in range(count):
        label = np.zeros((HEIGHT, WIDTH), np.uint8)
        label[4 + index : 12 + index, 10:22] = 1
        label[0] = 255
        frame = ProcessedFrame(
            f"f{index}",
            image=rng.integers(0, 256, (HEIGHT, WIDTH, 3), dtype=np.uint8),
            label=label,
            semantic=rng.integers(0, 19, (HEIGHT, WIDTH), dtype=np.uint8),
        )
        entropy = (label * 200 + rng.integers(0, 50, (HEIGHT, WIDTH))).astype(np.uint8)
        frame_maps = ProcessedFrame(
            f"f{index}",
            semantic=rng.integers(0, 19, (12, 20), dtype=np.uint8),
            synthesis=rng.integers(0, 256, (12, 20, 3), dtype=np.uint8),
            entropy=entropy,
            distance=rng.integers(0, 256, (HEIGHT, WIDTH), dtype=np.uint8),
            perceptual=rng.integers(0, 256, (8, 16), dtype=np.uint8),
            **{name: rng.normal(0, 1, (12, 20)).astype(np.float16) for name in LOGIT_BASELINES},
        )
        frames[frame.frame_id] = lambda frame=frame: frame
        maps[frame.frame_id] = lambda frame_maps=frame_maps: frame_maps
    return frames, maps


@pytest.fixture(scope="module")
def model() -> DissimilarityNet:
    return DissimilarityNet(DissimilarityConfig.preset("ours")).eval()


def _params(grid_search: bool) -> dict:
    return {
        "batch_size": 2,
        "device": "cpu",
        "curve_points": 64,
        "overlay_frames": 1,
        "fusion": {"weights": {"dissimilarity": 0.75, "entropy": 0.25}, "grid_search": grid_search},
    }


@pytest.mark.parametrize("grid_search", [False, True])
def test_pipeline_scores_measures_and_reports_every_set(tmp_path: Path, model, grid_search):
    catalog = DataCatalog()
    catalog["dissimilarity_model"] = model
    catalog["params:evaluation"] = _params(grid_search)
    catalog["params:uncertainty_maps.perceptual"] = {"height": 16, "width": 32}
    frames, maps = _frames(0)
    catalog[f"{SELECTION_SET}__benchmark_frames"], catalog[f"{SELECTION_SET}__maps"] = frames, maps
    for index, set_name in enumerate(BENCHMARK_NAMES):
        catalog[f"{set_name}__benchmark_frames"], catalog[f"{set_name}__maps"] = _frames(index + 1)
        catalog[f"{set_name}.scores"] = ScoreMapDataset(str(tmp_path / set_name), BASE_METHODS)
    catalog["fusion_weights"] = JSONDataset(filepath=str(tmp_path / "weights.json"))
    for name in ("evaluation_table_csv", "evaluation_table_markdown"):
        catalog[name] = TextDataset(filepath=str(tmp_path / name))

    SequentialRunner().run(create_pipeline(BENCHMARKS), catalog)

    weights = catalog.load("fusion_weights")
    if grid_search:
        assert set(weights) == {"dissimilarity", "entropy", "perceptual", "distance"}
    else:
        assert weights == {"dissimilarity": 0.75, "entropy": 0.25}
    csv = catalog.load("evaluation_table_csv").splitlines()
    assert len(csv) == 1 + len(BENCHMARKS) * (len(BASE_METHODS) + 1)
    stored = ScoreMapDataset(str(tmp_path / BENCHMARK_NAMES[0]), BASE_METHODS).load()
    scores = stored["f0"]()
    assert scores["dissimilarity"].shape == (HEIGHT, WIDTH)
    assert scores["dissimilarity"].dtype == np.float16
    maps = _frames(1)[1]["f0"]()
    for method in LOGIT_BASELINES:  # stored at 12x20, scored at the label's 24x40
        baseline = torch.from_numpy(getattr(maps, method).astype(np.float32))
        expected = resize_scores(baseline, HEIGHT, WIDTH).astype(np.float16)
        np.testing.assert_array_equal(scores[method], expected)
    rows = [line.split(",")[:2] for line in csv[1:]]
    assert rows == [[name, method] for name in BENCHMARK_NAMES for method in METHODS]
    assert "| synboost |" in catalog.load("evaluation_table_markdown")


def test_measured_ap_equals_scikit_learn_on_the_stored_scores(tmp_path: Path):
    frames, _ = _frames(5)
    rng = np.random.default_rng(3)
    stored = {
        frame_id: {m: rng.random((HEIGHT, WIDTH)).astype(np.float16) for m in BASE_METHODS}
        for frame_id in frames
    }
    dataset = ScoreMapDataset(str(tmp_path), BASE_METHODS)
    dataset.save(stored)
    weights = {"dissimilarity": 0.5, "perceptual": 0.5}
    result = measure_set(frames, dataset.load(), weights, _params(False), track="anomaly")

    labels = np.concatenate([frames[f]().label.ravel() for f in sorted(frames)])
    valid = labels <= 1
    for method in ("dissimilarity", "synboost"):
        values = np.concatenate(
            [
                (
                    stored[f]["dissimilarity"]
                    if method == "dissimilarity"
                    else (
                        np.float32(0.5) * stored[f]["dissimilarity"].astype(np.float32)
                        + np.float32(0.5) * stored[f]["perceptual"].astype(np.float32)
                    ).astype(np.float16)
                ).ravel()
                for f in sorted(frames)
            ]
        )
        expected = average_precision_score(labels[valid], values[valid])
        assert result["metrics"][method].pixel.average_precision == pytest.approx(
            expected, abs=1e-12
        )
    assert set(result["frame_ap"]) == set(frames)


def test_unknown_track_is_refused():
    with pytest.raises(ValueError, match="Unknown component track 'lane'"):
        measure_set({}, {}, {}, _params(False), track="lane")


def test_a_report_without_benchmarks_names_the_configuration_file():
    with pytest.raises(ValueError, match="benchmarks.yml"):
        build_report({"dissimilarity": 1.0})
