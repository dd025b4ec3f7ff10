"""Report artefacts: the metrics table, PR/ROC curves, and best/worst-frame overlays."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")  # reports are written headless, in CI and on servers
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from synboost_kedro.heatmaps import add_ground_truth_legend, ground_truth_colours  # noqa: E402
from synboost_kedro.metrics import AnomalyMetrics, PixelMetrics  # noqa: E402

#: Ground-truth colours of the overlays: normal, anomaly, and ignored (void) pixels.

#: Columns of the metrics table: (header, key in ``AnomalyMetrics.scalars()``, scale).
TABLE_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("AP (%)", "average_precision", 100.0),
    ("FPR@95%TPR (%)", "fpr_at_95_tpr", 100.0),
    ("AUROC (%)", "auroc", 100.0),
    ("best F1 (%)", "best_f1", 100.0),
    ("sIoU gt (%)", "mean_siou", 100.0),
    ("PPV (%)", "mean_ppv", 100.0),
    ("mean F1 (%)", "mean_f1", 100.0),
)

Results = Mapping[str, Mapping[str, AnomalyMetrics]]


def metrics_rows(results: Results) -> list[list[str]]:
    """One row per (dataset, method): the names, then each column of :data:`TABLE_COLUMNS`."""
    rows = []
    for dataset, methods in results.items():
        for method, metrics in methods.items():
            scalars = metrics.scalars()
            rows.append(
                [dataset, method]
                + [
                    f"{scalars.get(key, float('nan')) * scale:.2f}"
                    for _, key, scale in TABLE_COLUMNS
                ]
            )
    return rows


def _headers(row_name: str) -> list[str]:
    return ["dataset", row_name, *(header for header, _, _ in TABLE_COLUMNS)]


def metrics_csv(results: Results, row_name: str = "method") -> str:
    """The metrics table as CSV text; ``row_name`` heads the column of the inner keys."""
    lines = [",".join(_headers(row_name))] + [",".join(row) for row in metrics_rows(results)]
    return "\n".join(lines) + "\n"


def metrics_markdown(results: Results, row_name: str = "method") -> str:
    """The metrics table as a GitHub Markdown table; ``row_name`` heads the inner keys' column."""
    headers = _headers(row_name)
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" if i < 2 else "---:" for i in range(len(headers))) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in metrics_rows(results)]
    return "\n".join(lines) + "\n"


def mlflow_metrics(results: Results) -> dict[str, dict[str, float | int]]:
    """``{"<dataset>/<method>.<metric>": {"value": v, "step": 0}}`` for kedro-mlflow.

    The MLflow UI groups charts by the part of the name before the first ``/``: one section
    per set.
    """
    return {
        f"{dataset}/{method}.{name}": {"value": float(value), "step": 0}
        for dataset, methods in results.items()
        for method, metrics in methods.items()
        for name, value in metrics.scalars().items()
        if np.isfinite(value)
    }


def curves_figure(results: Results, kind: str) -> Figure:
    """One panel per dataset with the PR (``kind="pr"``) or ROC (``"roc"``) curve of each method."""
    if kind not in ("pr", "roc"):
        raise ValueError(f"curve kind must be 'pr' or 'roc', got '{kind}'")
    # Each panel's legend sits below it, two entries a row: with the baselines a set has nine
    # methods, and no corner of the plot stays clear of every curve.
    legend_rows = -(-(1 + max(len(methods) for methods in results.values())) // 2)
    figure, axes = plt.subplots(
        1,
        len(results),
        figsize=(5 * len(results), 4.5 + 0.2 * legend_rows),
        squeeze=False,
        layout="constrained",
    )
    for axis, (dataset, methods) in zip(axes[0], results.items(), strict=True):
        _chance_line(axis, kind, next(iter(methods.values())).pixel)
        for method, metrics in methods.items():
            pixel = metrics.pixel
            if kind == "pr":
                curve = pixel.precision_recall
                axis.plot(
                    curve.recall,
                    curve.precision,
                    label=f"{method} (AP {100 * pixel.average_precision:.1f})",
                )
            else:
                curve = pixel.roc
                axis.plot(
                    curve.false_positive_rate,
                    curve.true_positive_rate,
                    label=(
                        f"{method} (AUROC {100 * pixel.auroc:.1f}, "
                        f"FPR95 {100 * pixel.fpr_at_95_tpr:.1f})"
                    ),
                )
        axis.set_title(dataset)
        axis.set_xlabel("recall (anomaly pixels found)" if kind == "pr" else "false positive rate")
        axis.set_ylabel("precision" if kind == "pr" else "true positive rate (recall)")
        axis.set_xlim(0, 1)
        axis.set_ylim(0, 1.02)
        axis.grid(alpha=0.3)
        axis.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2)
    return figure


def _chance_line(axis: Axes, kind: str, pixel: PixelMetrics) -> None:
    """What a score without information reaches: the anomaly prevalence on PR, the diagonal on
    ROC, so every curve reads against it."""
    if kind == "pr":
        prevalence = pixel.num_anomaly_pixels / (pixel.num_anomaly_pixels + pixel.num_normal_pixels)
        axis.axhline(
            prevalence,
            color="grey",
            linestyle="--",
            linewidth=1,
            label=f"chance (prevalence {100 * prevalence:.1f}%)",
        )
    else:
        axis.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="chance")


def overlay_figure(
    rows: Sequence[tuple[str, np.ndarray, np.ndarray, np.ndarray, float]], title: str
) -> Figure:
    """A grid with one row per frame: image | anomaly heat map over the image | ground truth.

    Scores share one 0..1 colour scale, drawn as a colour bar, so frames compare at a glance;
    a legend names the ground truth's colours.

    Args:
        rows: ``(frame_id, image [H,W,3] uint8, scores [H,W], labels [H,W], frame AP)``.
        title: Figure title.
    """
    figure, axes = plt.subplots(
        len(rows), 3, figsize=(12, 2.3 * len(rows) + 1.0), squeeze=False, layout="constrained"
    )
    for (frame_id, image, scores, labels, average_precision), row in zip(rows, axes, strict=True):
        row[0].imshow(image)
        row[0].set_ylabel(f"{frame_id}\nAP {100 * average_precision:.1f}", fontsize=8)
        row[1].imshow(image)
        heat = row[1].imshow(scores, cmap="inferno", alpha=0.65, vmin=0, vmax=1)
        row[2].imshow(ground_truth_colours(labels))
        for axis in row:
            axis.set_xticks([])
            axis.set_yticks([])
    for axis, name in zip(axes[0], ("image", "anomaly score", "ground truth"), strict=True):
        axis.set_title(name)
    figure.colorbar(heat, ax=axes[:, 1], label="anomaly score", shrink=0.8)
    add_ground_truth_legend(figure, "outside lower right")
    figure.suptitle(title)
    return figure
