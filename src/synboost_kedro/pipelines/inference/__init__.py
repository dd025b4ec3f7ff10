"""``inference``: anomaly maps and every intermediate map of a folder of images, and the served
model that the default run and ``train`` register."""

from synboost_kedro.inference.saved import MLFLOW_MODEL_NAME
from synboost_kedro.pipelines.inference.pipeline import (
    SERVED_INPUT,
    create_assembly_pipeline,
    create_pipeline,
    create_serving_pipeline,
)

__all__ = [
    "MLFLOW_MODEL_NAME",
    "SERVED_INPUT",
    "create_assembly_pipeline",
    "create_pipeline",
    "create_serving_pipeline",
]
