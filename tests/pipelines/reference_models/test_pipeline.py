import mlflow
import pytest
import torch
from mlflow.tracking import MlflowClient

from synboost_kedro.models.model_file import read_model_file
from tests.conftest import run_kedro

# Tiny networks and two epochs on the tiny generated frames (64x128) of the conftest.
TINY = {
    "reference_segmentation.model.options.compact_deeplab.stage_channels": [4, 8, 8],
    "reference_segmentation.model.options.compact_deeplab.decoder_channels": 8,
    "reference_segmentation.model.options.compact_deeplab.skip_channels": 4,
    "reference_segmentation.training.epochs": 2,
    "reference_segmentation.training.height": 32,
    "reference_segmentation.training.width": 64,
    "reference_segmentation.evaluation.height": 32,
    "reference_segmentation.evaluation.width": 64,
    "reference_synthesis.model.options.spade_compact.base_channels": 4,
    "reference_synthesis.model.options.spade_compact.hidden_channels": 4,
    "reference_synthesis.model.options.spade_compact.num_up_layers": 2,
    "reference_synthesis.training.epochs": 2,
    "reference_synthesis.training.height": 32,
    "reference_synthesis.training.width": 64,
    "reference_synthesis.evaluation.height": 32,
    "reference_synthesis.evaluation.width": 64,
    "reference_example.frames": 1,
}


def _last_run_metrics(project):
    mlflow.set_tracking_uri(f"sqlite:///{project / 'mlflow.db'}")
    client = MlflowClient()
    experiment = client.get_experiment_by_name("synboost")
    run = client.search_runs([experiment.experiment_id], order_by=["start_time DESC"])[0]
    return client, run


@pytest.mark.slow
def test_kedro_run_trains_scores_saves_and_logs_both_models(kedro_project):
    run_kedro(kedro_project, "synthetic_data")

    run_kedro(kedro_project, "reference_models", TINY)

    segmenter = read_model_file(kedro_project / "data/06_models/segmentation_model.pt")
    synthesiser = read_model_file(kedro_project / "data/06_models/synthesis_model.pt")
    assert segmenter(torch.zeros(1, 3, 32, 64)).shape == (1, 19, 32, 64)
    assert synthesiser.synthesise(torch.full((1, 32, 64), 7), None).shape == (1, 3, 32, 64)
    assert (kedro_project / "data/08_reporting/reference_models_example.png").is_file()
    client, run = _last_run_metrics(kedro_project)
    assert {"segmentation_val.miou", "segmentation_val.iou_road", "synthesis_val.psnr"} <= set(
        run.data.metrics
    )
    losses = client.get_metric_history(run.info.run_id, "segmentation_train.loss")
    assert [metric.step for metric in losses] == [0, 1]
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id, "reference_models")}
    assert {
        "reference_models/segmentation_model.pt",
        "reference_models/synthesis_model.pt",
        "reference_models/reference_models_example.png",
    } <= artifacts

    # A configured checkpoint replaces training: no training history is logged this time.
    run_kedro(
        kedro_project,
        "reference_models",
        TINY | {"reference_segmentation.checkpoint": "data/06_models/segmentation_model.pt"},
    )

    _, run = _last_run_metrics(kedro_project)
    assert "segmentation_val.miou" in run.data.metrics
    assert "segmentation_train.loss" not in run.data.metrics
    assert "synthesis_train.loss" in run.data.metrics
