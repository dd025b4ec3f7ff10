"""``synboost-kedro predict INPUT_DIR OUTPUT_DIR``: a saved detector on a folder of images."""

from __future__ import annotations

from pathlib import Path

import click

from synboost_kedro.commands.console import show_warnings, user_errors
from synboost_kedro.inference import AnomalyDetector
from synboost_kedro.inference.analysis import ImageStream
from synboost_kedro.inference.outputs import OUTPUT_FORMATS, SUMMARY_FILE, write_outputs
from synboost_kedro.storage.image_folder import image_folder_loaders

#: Where the ``inference`` pipeline saves the project's detector (the catalog's
#: ``anomaly_detector``), relative to the project folder.
DEFAULT_MODEL = "data/06_models/anomaly_detector"


def load_detector(model: str, device: str) -> AnomalyDetector:
    """The detector saved in folder ``model``, or logged to MLflow under that run id or URI.

    Raises:
        click.ClickException: nothing can be loaded from ``model``; the message says why.
    """
    if Path(model).is_dir():
        with user_errors():
            return AnomalyDetector.load(model, device=device)
    if model == DEFAULT_MODEL:
        raise click.ClickException(
            f"No saved detector in '{DEFAULT_MODEL}': run `synboost-kedro run --pipelines "
            "inference` in the project folder to assemble it, or pass --model"
        )
    from mlflow.exceptions import MlflowException  # on use: only MLflow models need it

    try:
        return AnomalyDetector.from_mlflow(model, device=device)
    except (MlflowException, OSError, ValueError) as error:
        raise click.ClickException(
            f"'{model}' is neither a detector folder nor a loadable MLflow model: {error}"
        ) from None


@click.command()
@click.argument("input_dir", type=click.Path(file_okay=False, path_type=Path))
@click.argument("output_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--model",
    default=DEFAULT_MODEL,
    show_default=True,
    help="A saved detector folder, or an MLflow run id or model URI "
    "(runs:/<run id>/anomaly_detector, models:/<model id>).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(OUTPUT_FORMATS),
    default="default",
    show_default=True,
    help="default: every map of every image; smiyc: SegmentMeIfYouCan's submission layout, "
    "one float16 <name>.hdf5 score file per image.",
)
@click.option(
    "--device",
    default="auto",
    show_default=True,
    help="auto (CUDA when available), cpu, cuda or cuda:<n>.",
)
@click.option("--strict", is_flag=True, help="Stop at the first bad image instead of skipping it.")
def predict(
    *, input_dir: Path, output_dir: Path, model: str, output_format: str, device: str, strict: bool
) -> None:
    """Run the trained detector on every image of INPUT_DIR; write its outputs to OUTPUT_DIR.

    The default format writes what `synboost-kedro run --pipelines inference` writes: per image,
    anomaly/<name>.npy (the exact float32 score), anomaly/<name>.png (the score x 65535, 16-bit),
    PNGs of the other maps, a figure of them all, and images.csv. Both formats list the images
    written and skipped in summary.json.
    """
    show_warnings()
    detector = load_detector(model, device)
    with user_errors():
        images = image_folder_loaders(input_dir)
        stream = ImageStream(detector.analyse_stream, images, strict, detector.settings.max_pixels)
        summary = write_outputs(output_dir, stream, output_format, progress=True)
    skipped = summary["skipped"]
    click.echo(
        f"Wrote the outputs of {len(summary['written'])} image(s) to '{output_dir}' "
        f"({output_format} format), skipped {len(skipped)}: {SUMMARY_FILE} lists them"
    )
