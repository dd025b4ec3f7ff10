"""``synboost-kedro evaluate --scores DIR --labels DIR``: anybody's score maps, measured as the
evaluation pipeline measures its own."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from synboost_kedro.commands.console import show_warnings, user_errors
from synboost_kedro.evaluation.folders import LABEL_LAYOUTS, measure_score_folders
from synboost_kedro.evaluation.report import metrics_markdown, mlflow_metrics
from synboost_kedro.evaluation.set_metrics import TRACKS
from synboost_kedro.evaluation.tracking import log_run


def named_folders(values: Sequence[str]) -> dict[str, Path]:
    """``{method: folder}`` from ``[NAME=]DIR`` values; a method is named by its folder by default.

    Raises:
        click.UsageError: two folders get the same name.
    """
    folders: dict[str, Path] = {}
    for value in values:
        name, separator, folder = value.partition("=")
        if not separator:
            name, folder = Path(value).name, value
        if name in folders:
            raise click.UsageError(
                f"Two --scores folders are both named '{name}'; name them: --scores NAME=DIR"
            )
        folders[name] = Path(folder)
    return folders


@click.command()
@click.option(
    "--scores",
    multiple=True,
    required=True,
    metavar="[NAME=]DIR",
    help="A method's score maps, one file per frame named by its frame id: .npy, 16-bit .png "
    "(score x 65535) or SegmentMeIfYouCan .hdf5. NAME (by default the folder's name) is its "
    "row in the table. Repeat to compare methods.",
)
@click.option(
    "--labels",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The benchmark folder that holds the labels.",
)
@click.option(
    "--format",
    "layout",
    type=click.Choice(sorted(LABEL_LAYOUTS)),
    default="fishyscapes",
    show_default=True,
    help="fishyscapes: labels/<frame id>.png; smiyc: labels_masks/<frame id>"
    "_labels_semantic.png; both 1 = anomaly, 0 = normal, 255 = void.",
)
@click.option(
    "--track",
    type=click.Choice(sorted(TRACKS)),
    default=None,
    help="SegmentMeIfYouCan's component size filters; by default obstacle for fishyscapes and "
    "anomaly for smiyc, as the evaluation pipeline scores the embedded sets.",
)
@click.option("--name", default=None, help="The set's name in the table [the labels folder's].")
@click.option(
    "--mlflow",
    "log_to_mlflow",
    is_flag=True,
    help="Also log the metrics and the table as an MLflow run (to MLFLOW_TRACKING_URI, by "
    "default ./mlflow.db: the project's store when run in the project folder).",
)
@click.option("--experiment", default="synboost", show_default=True, help="The run's experiment.")
def evaluate(
    *,
    scores: tuple[str, ...],
    labels: Path,
    layout: str,
    track: str | None,
    name: str | None,
    log_to_mlflow: bool,
    experiment: str,
) -> None:
    """Measure score maps against a labelled folder and print the Markdown table.

    The metrics are the evaluation pipeline's: exact AP, FPR at 95% TPR, AUROC and best F1 over
    the labelled pixels (255 is ignored), then SegmentMeIfYouCan's sIoU, PPV and mean F1 at each
    method's best-F1 threshold.
    """
    show_warnings()
    folders = named_folders(scores)
    with user_errors():
        result = measure_score_folders(folders, labels, layout, track)
    results = {name or labels.resolve().name: result.methods}
    table = metrics_markdown(results)
    click.echo(table, nl=False)
    if log_to_mlflow:
        params = {f"scores.{method}": str(folder) for method, folder in folders.items()}
        params |= {"labels": str(labels), "format": layout, "track": track or "default"}
        metrics = {key: entry["value"] for key, entry in mlflow_metrics(results).items()}
        run_id = log_run(
            "evaluate", params, metrics, {"evaluation/table.md": table}, experiment=experiment
        )
        click.echo(f"Logged to MLflow run {run_id} (experiment '{experiment}')")
