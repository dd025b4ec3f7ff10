"""Project pipelines.

The registry imports its pipelines explicitly instead of through ``find_pipelines``: Kedro >= 1.5
imports only the pipelines named with ``--pipelines``, which would leave the composite ``train``
without its parts.
"""

from __future__ import annotations

import importlib

from kedro.pipeline import Pipeline

# Every package under ``synboost_kedro.pipelines``, in the order their outputs feed each other.
PIPELINE_NAMES: tuple[str, ...] = (
    "synthetic_data",
    "data_preparation",
    "uncertainty_maps",
    "dissimilarity_training",
    "evaluation",
)

# The user-facing training job (``kedro run --pipelines train``): everything after the raw data.
TRAIN_STAGES: tuple[str, ...] = (
    "data_preparation",
    "uncertainty_maps",
    "dissimilarity_training",
    "evaluation",
)


def _compose(pipelines: dict[str, Pipeline], names: tuple[str, ...]) -> Pipeline:
    return sum((pipelines[name] for name in names), start=Pipeline([]))


def register_pipelines() -> dict[str, Pipeline]:
    """Register the project's pipelines.

    Returns:
        A mapping from pipeline names to ``Pipeline`` objects.
    """
    pipelines = {
        name: importlib.import_module(f"synboost_kedro.pipelines.{name}").create_pipeline()
        for name in PIPELINE_NAMES
    }
    pipelines["train"] = _compose(pipelines, TRAIN_STAGES)
    pipelines["__default__"] = _compose(pipelines, PIPELINE_NAMES)
    return pipelines
