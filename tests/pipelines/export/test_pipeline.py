"""The export pipeline run with ``kedro run`` on tiny trained-model files, tracked in MLflow."""

from __future__ import annotations

import json
from pathlib import Path

import mlflow
import numpy as np
import onnx
import onnxruntime
import torch

from synboost_kedro.models.dissimilarity import create_dissimilarity_model
from synboost_kedro.models.model_file import write_model_file
from synboost_kedro.models.segmentation import create_segmentation_model
from synboost_kedro.models.synthesis import create_synthesis_model
from synboost_kedro.pipelines.export import create_pipeline
from tests.conftest import run_kedro

NETWORKS = ("segmentation", "synthesis", "dissimilarity")


def _write_tiny_models(models: Path) -> dict[str, torch.nn.Module]:
    torch.manual_seed(0)
    networks = {
        "segmentation": create_segmentation_model(
            "compact_deeplab", stage_channels=(4, 4, 8), decoder_channels=4, skip_channels=4
        ),
        "synthesis": create_synthesis_model(
            "spade_compact", base_channels=2, num_up_layers=2, hidden_channels=4
        ),
        # The baseline preset: the smallest dissimilarity network (no priors, no SPADE).
        "dissimilarity": create_dissimilarity_model("vgg16", prior=False, spade=""),
    }
    for name, network in networks.items():
        write_model_file(network, models / f"{name}_model.pt")
    return networks


def test_pipeline_reads_every_model_and_writes_its_check():
    pipeline = create_pipeline()
    assert pipeline.inputs() == {f"{name}_model" for name in NETWORKS} | {"params:export"}
    assert pipeline.outputs() == {f"{name}_onnx" for name in NETWORKS} | {
        "onnx_export_report",
        "onnx_export_metrics",
    }


def test_kedro_run_exports_checks_and_logs_to_mlflow(kedro_project: Path):
    networks = _write_tiny_models(kedro_project / "data" / "06_models")

    run_kedro(kedro_project, "export", params={"export.height": 16, "export.width": 32})

    report = json.loads((kedro_project / "data/08_reporting/onnx_export.json").read_text())
    assert set(report["networks"]) == set(NETWORKS)
    assert all(check["max_abs_diff"] <= 1e-4 for check in report["networks"].values())
    # The written file is the exported network: run it at a size it was not traced at.
    path = kedro_project / "data/06_models/onnx/dissimilarity.onnx"
    onnx.checker.check_model(str(path))
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    image, synthesis = torch.randn(2, 1, 3, 24, 16)
    semantic = torch.zeros(1, 19, 24, 16)
    (logits,) = session.run(
        None, {"image": image.numpy(), "synthesis": synthesis.numpy(), "semantic": semantic.numpy()}
    )
    with torch.no_grad():
        expected = networks["dissimilarity"].eval()(image, synthesis, semantic).numpy()
    assert np.abs(logits - expected).max() <= 1e-4

    client = mlflow.MlflowClient(f"sqlite:///{kedro_project / 'mlflow.db'}")
    (run,) = client.search_runs([client.get_experiment_by_name("synboost").experiment_id])
    assert run.info.status == "FINISHED"
    artifacts = {artifact.path for artifact in client.list_artifacts(run.info.run_id, "onnx")}
    assert artifacts == {f"onnx/{name}.onnx" for name in NETWORKS} | {"onnx/onnx_export.json"}
    for name in NETWORKS:
        logged = run.data.metrics[f"onnx_export.{name}.max_abs_diff"]
        assert logged == report["networks"][name]["max_abs_diff"]
