"""Project pipelines.

The registry imports its pipelines explicitly instead of through ``find_pipelines``: Kedro >= 1.5
imports only the pipelines named with ``--pipelines``, which would leave the composite ``train``
without its parts.

Pipelines are built for the evaluation benchmarks of the running session's environment, which
``hooks.BenchmarkHook`` hands over when the session's context is created (before Kedro first
reads the pipelines). Without a session (``kedro registry``, kedro-viz without hooks) they are
read from ``conf/`` in the environment of ``KEDRO_ENV``, or the default run environment.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from kedro.config import OmegaConfigLoader
from kedro.framework.project import settings as project_settings
from kedro.pipeline import Pipeline
from kedro_mlflow.pipeline import pipeline_ml_factory

from synboost_kedro.pipelines.inference import (
    SERVED_INPUT,
    create_assembly_pipeline,
    create_serving_pipeline,
)
from synboost_kedro.pipelines.inference.serving import served_model_kwargs
from synboost_kedro.pipelines.sets import Benchmark, load_benchmarks
from synboost_kedro.settings import CONFIG_LOADER_ARGS

# Every package under ``synboost_kedro.pipelines``, in the order their outputs feed each other.
PIPELINE_NAMES: tuple[str, ...] = (
    "synthetic_data",
    "pretrained_weights",
    "data_preparation",
    "reference_models",
    "uncertainty_maps",
    "dissimilarity_training",
    "evaluation",
    "inference",
    "export",
    "onnx_inference",
)

# Registered, but not part of the default run: `kedro run --pipelines ablation` trains three more
# networks (docs/ablation.md).
OPTIONAL_PIPELINE_NAMES: tuple[str, ...] = ("ablation",)

# The user-facing training job (``kedro run --pipelines train``): everything after the raw data.
TRAIN_STAGES: tuple[str, ...] = (
    "pretrained_weights",
    "data_preparation",
    "reference_models",
    "uncertainty_maps",
    "dissimilarity_training",
    "evaluation",
)


# The running session's benchmarks, set through configure_benchmarks.
_SESSION: dict[str, tuple[Benchmark, ...]] = {}


def configure_benchmarks(benchmarks: tuple[Benchmark, ...] | None) -> None:
    """Build the pipelines for ``benchmarks``: the running session's (``hooks.BenchmarkHook``);
    ``None`` goes back to reading them from ``conf/``."""
    if benchmarks is None:
        _SESSION.pop("benchmarks", None)
    else:
        _SESSION["benchmarks"] = benchmarks


def _benchmarks() -> tuple[Benchmark, ...]:
    if "benchmarks" in _SESSION:
        return _SESSION["benchmarks"]
    config_loader = OmegaConfigLoader(
        str(Path.cwd() / project_settings.CONF_SOURCE),
        env=os.getenv("KEDRO_ENV"),
        **CONFIG_LOADER_ARGS,
    )
    return load_benchmarks(config_loader)


def _compose(pipelines: dict[str, Pipeline], names: tuple[str, ...]) -> Pipeline:
    return sum((pipelines[name] for name in names), start=Pipeline([]))


def _registering_the_detector(training: Pipeline) -> Pipeline:
    """``training`` (which assembles the detector); its run logs the serving pipeline as an
    MLflow model and registers a new version of ``anomaly_detector``
    (``pipelines.inference.serving``)."""
    return pipeline_ml_factory(
        training=training,
        inference=create_serving_pipeline(),
        input_name=SERVED_INPUT,
        log_model_kwargs=served_model_kwargs(),
    )


def register_pipelines() -> dict[str, Pipeline]:
    """Register the project's pipelines.

    Returns:
        A mapping from pipeline names to ``Pipeline`` objects.
    """
    benchmarks = _benchmarks()
    pipelines = {
        name: importlib.import_module(f"synboost_kedro.pipelines.{name}").create_pipeline(
            benchmarks=benchmarks
        )
        for name in PIPELINE_NAMES + OPTIONAL_PIPELINE_NAMES
    }
    # Run alone they register the detector; summed with another pipeline on the command line
    # they become plain pipelines, and kedro-mlflow logs no model.
    pipelines["train"] = _registering_the_detector(
        _compose(pipelines, TRAIN_STAGES) + create_assembly_pipeline()
    )
    pipelines["__default__"] = _registering_the_detector(_compose(pipelines, PIPELINE_NAMES))
    return pipelines
