from __future__ import annotations

import numpy as np
import pytest

from synboost_kedro.evaluation.report import (
    curves_figure,
    metrics_csv,
    metrics_markdown,
    mlflow_metrics,
    overlay_figure,
)
from synboost_kedro.metrics import ANOMALY_TRACK, evaluate_frames


@pytest.fixture(scope="module")
def results():
    rng = np.random.default_rng(1)
    labels = np.zeros((32, 32), np.uint8)
    labels[8:20, 8:20] = 1
    good = [(labels + 0.3 * rng.random((32, 32)), labels)]
    noisy = [(rng.random((32, 32)), labels)]
    return {
        "set_a": {
            "good": evaluate_frames(good, ANOMALY_TRACK),
            "noisy": evaluate_frames(noisy, ANOMALY_TRACK),
        }
    }


def test_tables_list_every_dataset_and_method(results):
    csv = metrics_csv(results).splitlines()
    assert csv[0].startswith("dataset,method,AP (%),FPR@95%TPR (%),AUROC (%)")
    assert csv[1].startswith("set_a,good,100.00,0.00,100.00")
    markdown = metrics_markdown(results).splitlines()
    assert markdown[0].startswith("| dataset | method | AP (%)")
    assert markdown[2].startswith("| set_a | good | 100.00 |")
    assert len(markdown) == 4


def test_mlflow_metrics_are_named_by_dataset_method_and_metric(results):
    metrics = mlflow_metrics(results)
    assert metrics["set_a.good.average_precision"] == {"value": 1.0, "step": 0}
    assert all(np.isfinite(entry["value"]) for entry in metrics.values())


def test_figures_have_one_panel_per_dataset_and_one_row_per_frame(results):
    assert len(curves_figure(results, "pr").axes) == 1
    assert len(curves_figure(results, "roc").axes[0].lines) == 2
    with pytest.raises(ValueError, match="'pr' or 'roc'"):
        curves_figure(results, "det")
    image = np.zeros((8, 8, 3), np.uint8)
    rows = [("f1", image, np.zeros((8, 8)), np.zeros((8, 8), np.uint8), 0.5)] * 2
    assert len(overlay_figure(rows, "title").axes) == 6
