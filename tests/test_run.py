"""The project as a user drives it: the registry and the ``kedro`` command line."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import mlflow
import pytest

from synboost_kedro.pipeline_registry import PIPELINE_NAMES, register_pipelines
from tests.conftest import TINY_PARAMS, run_kedro


def test_registry_has_every_pipeline_and_the_composites():
    from kedro.framework.project import configure_project

    configure_project("synboost_kedro")
    pipelines = register_pipelines()
    assert set(PIPELINE_NAMES) | {"train", "__default__"} <= set(pipelines)
    default_nodes = {node.name for node in pipelines["__default__"].nodes}
    for name in PIPELINE_NAMES:
        assert {node.name for node in pipelines[name].nodes} <= default_nodes


def test_synthetic_data_run_is_tracked_in_mlflow(kedro_project: Path):
    run_kedro(kedro_project, "synthetic_data")

    images = sorted((kedro_project / "data/01_raw/cityscapes/leftImg8bit/train").glob("*/*.png"))
    assert len(images) == TINY_PARAMS["synthetic_data.train_frames"]
    client = mlflow.MlflowClient(f"sqlite:///{kedro_project / 'mlflow.db'}")
    experiment = client.get_experiment_by_name("synboost")
    (run,) = client.search_runs([experiment.experiment_id])
    assert run.info.status == "FINISHED"
    assert run.data.params["synthetic_data.train_frames"] == "4"
    assert re.fullmatch(r"synthetic_data \d\d:\d\d", run.info.run_name)
    user_tags = {key for key in run.data.tags if not key.startswith("mlflow.")}
    assert user_tags == {"env", "command"}
    assert run.data.tags["env"] == "local"
    assert run.data.tags["command"] == "kedro run --pipelines=synthetic_data"
    assert experiment.tags["mlflow.experimentKind"] == "custom_model_development"


def test_kedro_cli_runs_a_pipeline_and_viz_lists_them(kedro_project: Path):
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "1"}
    kedro = [str(Path(sys.executable).parent / "kedro")]
    params = ",".join(f"{key}={value}" for key, value in TINY_PARAMS.items())
    run = subprocess.run(
        [*kedro, "run", "--pipelines", "synthetic_data", "--params", params],
        check=True,
        cwd=kedro_project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (kedro_project / "data/01_raw/cityscapes/SYNTHETIC_DATASET").exists()
    # Quiet and plain off a terminal: no warning, one line per record, names never wrapped.
    output = run.stdout + run.stderr
    assert "warning" not in output.lower()
    assert "Completed 1 out of" in output and "INFO kedro.runner" in output

    subprocess.run(
        [*kedro, "viz", "build"],
        check=True,
        cwd=kedro_project,
        env=env,
        capture_output=True,
        timeout=300,
    )
    graph = json.loads((kedro_project / "build/api/main").read_text())
    pipeline_ids = {pipeline["id"] for pipeline in graph["pipelines"]}
    assert set(PIPELINE_NAMES) | {"__default__"} <= pipeline_ids
    node_names = {node["name"] for node in graph["nodes"] if node["type"] == "task"}
    assert "generate_cityscapes_train_node" in node_names or any(
        "Generate Cityscapes Train" in name for name in node_names
    )
    # The view `make viz` opens: `train`, drawn in layer bands (no cycle between layers), its
    # evaluation sets collapsed into one box each.
    train = json.loads((kedro_project / "build/api/pipelines/train").read_text())
    assert train["layers"] == [
        "raw",
        "reference_networks",
        "primary",
        "feature",
        "models",
        "model_output",
        "reporting",
    ]
    assert {"fs_lost_and_found", "photo_objects"} <= set(train["modular_pipelines"])


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"inference.devcie": "cpu"}, r"'devcie' \(did you mean 'device'\?\)"),
        ({"inferenec.device": "cpu"}, r"'inferenec' \(did you mean 'inference'\?\)"),
    ],
)
def test_a_typo_in_params_stops_the_run_before_any_node(kedro_project: Path, params, named):
    with pytest.raises(ValueError, match=named):
        run_kedro(kedro_project, "synthetic_data", params)

    assert not (kedro_project / "data/01_raw/cityscapes").exists()
