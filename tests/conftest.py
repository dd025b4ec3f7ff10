"""Shared fixtures: MLflow isolation, tiny generated frames and a throw-away Kedro project."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pytest

from synboost_kedro.cityscapes import LABEL_ID_BY_NAME
from synboost_kedro.frames import CityscapesFrame

PROJECT_ROOT = Path(__file__).resolve().parents[1]

os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "1")


@pytest.fixture(autouse=True)
def _reset_mlflow_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """MLflow keeps the active run and experiment in module globals; never let them leak."""
    for variable in (
        "MLFLOW_TRACKING_URI",
        "MLFLOW_REGISTRY_URI",
        "MLFLOW_EXPERIMENT_ID",
        "MLFLOW_RUN_ID",
    ):
        monkeypatch.delenv(variable, raising=False)
    yield
    while mlflow.active_run():
        mlflow.end_run()
    mlflow.tracking.fluent._active_experiment_id = None
    mlflow.set_tracking_uri(None)
    mlflow.set_registry_uri(None)


def make_frame(
    frame_id: str = "testcity_000000_000019", height: int = 8, width: int = 16, seed: int = 0
) -> CityscapesFrame:
    """A small hand-made frame: sky on top, road below, one car instance."""
    rng = np.random.default_rng(seed)
    label_ids = np.full((height, width), LABEL_ID_BY_NAME["road"], dtype=np.uint8)
    label_ids[: height // 2] = LABEL_ID_BY_NAME["sky"]
    instance_ids = label_ids.astype(np.int32)
    car = LABEL_ID_BY_NAME["car"]
    label_ids[-3:, 2:6] = car
    instance_ids[-3:, 2:6] = car * 1000
    image = rng.integers(0, 256, size=(height, width, 3), dtype=np.uint8)
    return CityscapesFrame(frame_id, image, label_ids, instance_ids)


TINY_PARAMS: dict[str, Any] = {
    "synthetic_data.height": 64,
    "synthetic_data.width": 128,
    "synthetic_data.train_frames": 4,
    "synthetic_data.val_frames": 2,
    "synthetic_data.anomaly_frames": 2,
    # Seeded random perceptual features: tiny runs need not convert and read the 58 MB HED trunk
    # (tests/pipelines/test_demo_recipe.py runs with it).
    "uncertainty_maps.perceptual.weights": None,
}


@pytest.fixture
def kedro_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of this project's configuration in an empty folder, as the working directory.

    The package is the installed one; only ``conf/`` and ``pyproject.toml`` are copied, so
    runs write their data and ``mlflow.db`` under ``tmp_path``.
    """
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(PROJECT_ROOT / "pyproject.toml", project)
    (project / "src").mkdir()  # the package itself is imported from its installed location
    shutil.copytree(PROJECT_ROOT / "conf", project / "conf", ignore=shutil.ignore_patterns("local"))
    (project / "conf" / "local").mkdir()
    # MLflow caches one store per URI string: a relative sqlite URI would keep pointing at the
    # first test project's database, so every test project tracks to its own absolute path.
    mlflow_config = project / "conf" / "base" / "mlflow.yml"
    mlflow_config.write_text(
        mlflow_config.read_text().replace(
            "sqlite:///mlflow.db", f"sqlite:///{project / 'mlflow.db'}"
        )
    )
    for layer in sorted(p.name for p in (PROJECT_ROOT / "data").iterdir() if p.is_dir()):
        (project / "data" / layer).mkdir(parents=True)
    monkeypatch.chdir(project)
    return project


def run_kedro(
    project: Path,
    pipeline: str,
    params: dict[str, Any] | None = None,
    env: str | None = None,
    **run_options: Any,
) -> dict[str, Any]:
    """Run ``pipeline`` of ``project`` in-process, as ``kedro run`` would.

    ``run_options`` go to ``KedroSession.run`` (e.g. ``from_nodes``).
    """
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    bootstrap_project(project)
    runtime_params = _nest({**TINY_PARAMS, **(params or {})})
    with KedroSession.create(
        project_path=project, env=env, runtime_params=runtime_params
    ) as session:
        try:
            return session.run(pipeline_names=[pipeline], **run_options)
        finally:
            # kedro-mlflow reuses an active run, so the next run_kedro would log into this one.
            while mlflow.active_run():
                mlflow.end_run()


def _nest(dotted: dict[str, Any]) -> dict[str, Any]:
    """``{"a.b": 1}`` → ``{"a": {"b": 1}}``, as ``kedro run --params a.b=1`` builds it."""
    nested: dict[str, Any] = {}
    for key, value in dotted.items():
        *parents, leaf = key.split(".")
        node = nested
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = value
    return nested
