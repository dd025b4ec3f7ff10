"""A saved detector: a folder of three model files and a settings file, locally or in MLflow.

The networks are in the project's one model-file format
(:mod:`synboost_kedro.models.model_file`). The VGG of the perceptual difference is not copied:
it is rebuilt from ``settings.perceptual_weights`` (or its seed) when loading.
"""

from __future__ import annotations

import os
from pathlib import Path

from torch import nn

from synboost_kedro.inference.settings import SETTINGS_FILE, DetectorSettings
from synboost_kedro.models.model_file import read_model_file, write_model_file

#: Files of a saved detector, by network kind.
MODEL_FILES = {
    "segmentation": "segmentation.pt",
    "synthesis": "synthesis.pt",
    "dissimilarity": "dissimilarity.pt",
}
#: Name under which a training run logs its detector as an MLflow model.
MLFLOW_MODEL_NAME = "anomaly_detector"


def write_detector_folder(
    directory: str | os.PathLike, networks: dict[str, nn.Module], settings: DetectorSettings
) -> None:
    """Write ``networks`` (by kind) and ``settings`` to ``directory``, settings last."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for kind, file_name in MODEL_FILES.items():
        write_model_file(networks[kind], directory / file_name)
    settings.write(directory)


def read_model_files(
    segmentation: str | os.PathLike,
    synthesis: str | os.PathLike,
    dissimilarity: str | os.PathLike,
) -> dict[str, nn.Module]:
    """The three networks of a detector from their model files, by kind."""
    paths = {"segmentation": segmentation, "synthesis": synthesis, "dissimilarity": dissimilarity}
    return {kind: read_model_file(path, kind) for kind, path in paths.items()}


def model_file_paths(directory: str | os.PathLike) -> list[Path]:
    """The model files of a detector saved in ``directory``, in constructor order."""
    return [Path(directory) / file_name for file_name in MODEL_FILES.values()]


def download_detector_folder(run_id_or_model_uri: str) -> Path:
    """The local folder of a detector logged to MLflow.

    Args:
        run_id_or_model_uri: A run id (its model named :data:`MLFLOW_MODEL_NAME`), or any MLflow
            model URI (``runs:/<id>/anomaly_detector``, ``models:/<model id>``, a path).

    Raises:
        FileNotFoundError: the downloaded model holds no saved detector.
    """
    import mlflow  # on use: slow to import, and only this function needs it

    uri = run_id_or_model_uri
    if ":" not in uri and not Path(uri).exists():
        uri = f"runs:/{uri}/{MLFLOW_MODEL_NAME}"
    local = Path(mlflow.artifacts.download_artifacts(artifact_uri=uri))
    found = sorted(local.rglob(SETTINGS_FILE))
    if not found:
        raise FileNotFoundError(f"MLflow model '{uri}' holds no saved anomaly detector")
    return found[0].parent
