"""The assembled detector as a registered MLflow model: how it is called, and what it needs.

The default run and ``train`` log the serving pipeline (:data:`SERVED_INPUT` → anomaly maps)
through kedro-mlflow's ``pipeline_ml_factory`` and register it as :data:`MLFLOW_MODEL_NAME`,
a new version per run, so ``mlflow models serve -m models:/anomaly_detector/latest`` answers.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np
from mlflow.models import ModelSignature
from mlflow.types import Schema, TensorSpec

from synboost_kedro.inference import MLFLOW_MODEL_NAME

#: Any number of RGB images of any one size in, one float32 score map per image out; the
#: batch, height and width stay free, which an inferred signature would fix to the example's.
#: Unnamed: MLflow hands a named tensor to ``predict`` as a ``{name: array}`` dict.
SERVED_SIGNATURE = ModelSignature(
    inputs=Schema([TensorSpec(np.dtype(np.uint8), (-1, -1, -1, 3))]),
    outputs=Schema([TensorSpec(np.dtype(np.float32), (-1, -1, -1))]),
)

#: What the served model imports; pinned to the installed versions. Listing them saves MLflow
#: from inferring them by loading the model in a subprocess, about a minute on a laptop CPU.
SERVED_DISTRIBUTIONS = (
    "synboost-kedro",
    "kedro",
    "kedro-datasets",
    "kedro-mlflow",
    "mlflow",
    "torch",
    "torchvision",
    "numpy",
    "pillow",
    "cloudpickle",
)


def served_input_example() -> np.ndarray:
    """One 24×48 street-like image, ``[1, H, W, 3]`` uint8: sky, buildings, road, a box."""
    image = np.empty((24, 48, 3), np.uint8)
    image[:8] = (70, 130, 180)
    image[8:14] = (70, 70, 70)
    image[14:] = (128, 64, 128)
    image[16:20, 20:26] = (220, 220, 0)
    return image[None]


def pinned_requirements(distributions: tuple[str, ...] = SERVED_DISTRIBUTIONS) -> list[str]:
    """``name==version`` of each installed distribution; those not installed are left out."""
    pins = []
    for name in distributions:
        try:
            pins.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            continue
    return pins


def served_model_kwargs() -> dict[str, Any]:
    """kedro-mlflow's ``log_model_kwargs`` of the registered detector."""
    return {
        "name": MLFLOW_MODEL_NAME,
        "registered_model_name": MLFLOW_MODEL_NAME,
        "signature": SERVED_SIGNATURE,
        "input_example": served_input_example(),
        "pip_requirements": pinned_requirements(),
    }
