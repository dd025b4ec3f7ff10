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
    assert metrics["set_a/good.average_precision"] == {"value": 1.0, "step": 0}
    assert all(np.isfinite(entry["value"]) for entry in metrics.values())


def test_figures_have_one_panel_per_dataset_and_one_row_per_frame(results):
    assert len(curves_figure(results, "pr").axes) == 1
    assert len(curves_figure(results, "roc").axes[0].lines) == 3  # two methods and chance
    with pytest.raises(ValueError, match="'pr' or 'roc'"):
        curves_figure(results, "det")
    image = np.zeros((8, 8, 3), np.uint8)
    rows = [("f1", image, np.zeros((8, 8)), np.zeros((8, 8), np.uint8), 0.5)] * 2
    assert len(overlay_figure(rows, "title").axes) == 6 + 1  # and the score's colour bar


def test_overlays_show_the_score_scale_and_name_the_ground_truth_colours():
    image = np.zeros((8, 8, 3), np.uint8)
    figure = overlay_figure(
        [("f1", image, np.full((8, 8), 0.3), np.eye(8, dtype=np.uint8), 0.5)], "t"
    )

    colour_bar = figure.axes[-1]
    assert colour_bar.get_ylabel() == "anomaly score"
    assert colour_bar.get_ylim() == (0.0, 1.0)
    (legend,) = figure.legends
    assert [text.get_text() for text in legend.get_texts()] == ["normal", "anomaly", "ignored"]


def test_curves_read_against_chance_with_their_summary_in_the_legend(results):
    pr, roc = (curves_figure(results, kind).axes[0] for kind in ("pr", "roc"))

    prevalence = 12 * 12 / (32 * 32)
    pr_labels = [text.get_text() for text in pr.get_legend().get_texts()]
    assert pr_labels[0] == f"chance (prevalence {100 * prevalence:.1f}%)"
    assert np.allclose(pr.lines[0].get_ydata(), prevalence)
    assert pr_labels[1].startswith("good (AP 100.0")
    roc_labels = [text.get_text() for text in roc.get_legend().get_texts()]
    assert roc_labels[0] == "chance" and "AUROC" in roc_labels[1]
    assert pr.get_xlabel() and pr.get_ylabel() and roc.get_xlabel() and roc.get_ylabel()
