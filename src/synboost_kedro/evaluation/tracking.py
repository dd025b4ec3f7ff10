"""One MLflow run of results: parameters, metrics and text artefacts (``synboost-kedro evaluate
--mlflow`` and the ablation's run per variant)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def log_run(
    run_name: str,
    params: Mapping[str, Any],
    metrics: Mapping[str, float],
    texts: Mapping[str, str],
    *,
    nested: bool = False,
    experiment: str | None = None,
) -> str:
    """Log one run to the current tracking store; returns its id.

    Args:
        run_name: The run's name.
        params: Its parameters.
        metrics: Its metrics, all at step 0.
        texts: ``{artifact file: text}``, e.g. a Markdown table.
        nested: Start it as a child of the active run (kedro-mlflow's during ``kedro run``).
        experiment: Log into this experiment (created if needed) instead of the current one.
    """
    import mlflow  # on use: slow to import, and only logging needs it

    if experiment is not None:
        mlflow.set_experiment(experiment)

    with mlflow.start_run(run_name=run_name, nested=nested) as run:
        mlflow.log_params(dict(params))
        mlflow.log_metrics(dict(metrics))
        for artifact_file, text in texts.items():
            mlflow.log_text(text, artifact_file)
    return run.info.run_id
