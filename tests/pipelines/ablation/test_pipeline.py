"""``kedro run --pipelines ablation`` on tiny data: three networks trained, four variants in one
table, one nested MLflow run per variant."""

from __future__ import annotations

import csv
from pathlib import Path

import mlflow
import numpy as np
import pytest
from PIL import Image

from synboost_kedro.cityscapes import LABEL_ID_BY_NAME
from synboost_kedro.datasets import CityscapesDataset
from synboost_kedro.evaluation.folders import measure_score_folders
from synboost_kedro.models.model_file import read_model_file
from synboost_kedro.pipeline_registry import register_pipelines
from synboost_kedro.pipelines.ablation.nodes import VARIANTS
from synboost_kedro.pipelines.sets import SELECTION_SET
from tests.conftest import make_frame, run_kedro, torch_threads, write_processed_set
from tests.pipelines.conftest import BENCHMARK_NAMES, TINY_NETWORK_PARAMS, TINY_TRAINING

TINY_ABLATION = {
    **TINY_NETWORK_PARAMS,
    **TINY_TRAINING,
    "dissimilarity_training.epochs": 1,
    "dissimilarity_training.frames_per_epoch": 4,
    "uncertainty_maps.device": "cpu",
    "uncertainty_maps.num_workers": 0,
    "evaluation.device": "cpu",
}
DYNAMIC = LABEL_ID_BY_NAME["dynamic"]


def _write_inputs(project: Path) -> dict[str, np.ndarray]:
    """What the default run leaves for the ablation: label-swapped training frames, anomaly sets
    and their maps, a Cityscapes split with void objects and the VGG report (the networks come
    from ``project_with_models``). Returns the split's label ids by frame id."""
    write_processed_set(project, "dissimilarity_train", 4, seed=0)
    for seed, name in enumerate((SELECTION_SET, *BENCHMARK_NAMES), start=1):
        write_processed_set(project, name, 2, seed=seed)
    frames = {}
    for index in range(3):
        frame = make_frame(f"testcity_000000_{index:06d}", height=32, width=64, seed=index)
        frame.label_ids[2 + index : 8 + index, 30:40] = DYNAMIC
        frames[frame.frame_id] = frame
    CityscapesDataset(str(project / "data/01_raw/cityscapes"), "train").save(frames)
    (project / "data/06_models/vgg16_hed.json").write_text("{}")
    return {frame_id: frame.label_ids for frame_id, frame in frames.items()}


def test_registered_but_not_part_of_the_default_run():
    from kedro.framework.project import configure_project

    configure_project("synboost_kedro")
    pipelines = register_pipelines()

    ablation = {node.name for node in pipelines["ablation"].nodes}
    assert "ablation.full.train" in ablation
    assert ablation.isdisjoint(node.name for node in pipelines["__default__"].nodes)


def _row(rows: list[dict[str, str]], set_name: str, variant: str) -> float:
    return next(
        float(r["AP (%)"]) for r in rows if (r["dataset"], r["variant"]) == (set_name, variant)
    )


@pytest.mark.slow
def test_ablation_trains_scores_and_reports_every_variant(project_with_models: Path):
    project = project_with_models
    label_ids = _write_inputs(project)

    with torch_threads(1):
        run_kedro(project, "ablation", TINY_ABLATION)

    with (project / "data/08_reporting/ablation.csv").open() as stream:
        rows = list(csv.DictReader(stream))
    assert [(row["dataset"], row["variant"]) for row in rows] == [
        (set_name, variant) for set_name in BENCHMARK_NAMES for variant in VARIANTS
    ]
    # Without the ensemble, a set's row is the full network's own stored score.
    set_name = BENCHMARK_NAMES[0]
    stored = project / "data/07_model_output/ablation/full" / set_name / "dissimilarity"
    labels = project / "data/03_primary" / set_name
    alone = measure_score_folders({"m": stored}, labels, "fishyscapes", "obstacle").methods["m"]
    ap = _row(rows, set_name, "without_ensemble")
    assert ap == pytest.approx(100 * alone.pixel.average_precision, abs=0.005)
    # The network without uncertainty maps takes none; the void-only one saw void objects only.
    baseline = read_model_file(project / "data/06_models/ablation/baseline.pt", "dissimilarity")
    assert not baseline.config.prior
    void_only = sorted((project / "data/03_primary/ablation_void_only/labels").glob("*.png"))
    assert [path.stem for path in void_only] == sorted(label_ids)
    for path in void_only:
        np.testing.assert_array_equal(np.asarray(Image.open(path)), label_ids[path.stem] == DYNAMIC)

    client = mlflow.MlflowClient(f"sqlite:///{project / 'mlflow.db'}")
    runs = client.search_runs([client.get_experiment_by_name("synboost").experiment_id])
    (parent,) = [run for run in runs if "mlflow.parentRunId" not in run.data.tags]
    children = {
        run.info.run_name: run
        for run in runs
        if run.data.tags.get("mlflow.parentRunId") == parent.info.run_id
    }
    assert set(children) == set(VARIANTS)
    logged = children["full"].data.metrics[f"{set_name}.average_precision"]
    assert _row(rows, set_name, "full") == pytest.approx(100 * logged, abs=0.005)
    artifacts = client.list_artifacts(parent.info.run_id, "ablation")
    assert "ablation/ablation.md" in [artifact.path for artifact in artifacts]
