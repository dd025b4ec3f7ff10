"""End to end in a generated project: ``kedro run`` of the inference pipeline from the command
line parameters, and the registered ``anomaly_detector`` model of ``train`` answering over HTTP.

Tiny networks are written into the project's data/06_models instead of being trained, and the
served run starts at the detector assembly.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import mlflow
import numpy as np
import pytest
from PIL import Image

from synboost_kedro.inference import AnomalyDetector
from tests.conftest import PROJECT_ROOT, run_kedro
from tests.pipelines.conftest import TINY_NETWORK_PARAMS

#: A real rendered street scene of the docs, downscaled so the JSON request stays small.
SCENE = PROJECT_ROOT / "docs" / "images" / "synthetic_anomaly.png"
SCENE_SIZE = (48, 96)
SERVER_START_SECONDS = 120


def _scene() -> np.ndarray:
    with Image.open(SCENE) as image:
        height, width = SCENE_SIZE
        return np.asarray(image.convert("RGB").resize((width, height), Image.Resampling.BILINEAR))


def test_inference_run_reads_the_folder_given_on_the_command_line(project_with_models: Path):
    folder = project_with_models / "my_images"
    folder.mkdir()
    Image.fromarray(_scene()).save(folder / "scene.jpg")
    output = project_with_models / "maps"

    run_kedro(
        project_with_models,
        "inference",
        {
            **TINY_NETWORK_PARAMS,
            "inference.input_dir": str(folder),
            "inference.output_dir": str(output),
        },
    )

    scores = np.load(output / "anomaly" / "scene.npy")
    assert scores.shape == SCENE_SIZE and np.isfinite(scores).all()
    assert (output / "overlay" / "scene.png").is_file()
    assert (
        project_with_models / "data" / "06_models" / "anomaly_detector" / "detector.json"
    ).is_file()


def test_default_inference_reads_the_synthetic_benchmark_images(project_with_models: Path):
    run_kedro(project_with_models, "synthetic_data")

    run_kedro(project_with_models, "inference", TINY_NETWORK_PARAMS)

    images = sorted(
        (
            project_with_models / "data" / "01_raw" / "synthetic_fs_lost_and_found" / "images"
        ).iterdir()
    )
    maps = project_with_models / "data" / "07_model_output" / "inference" / "anomaly"
    assert images and sorted(maps.glob("*.npy")) == [maps / f"{image.stem}.npy" for image in images]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served_model(project_with_models: Path) -> Iterator[tuple[str, str, str]]:
    """``(server URL, model id, run id)`` of the registered detector, served as the README
    says until the test ends."""
    run_kedro(
        project_with_models,
        "train",
        TINY_NETWORK_PARAMS,
        from_nodes=["assemble_anomaly_detector_node"],
    )
    tracking_uri = f"sqlite:///{project_with_models / 'mlflow.db'}"
    client = mlflow.MlflowClient(tracking_uri)
    (version,) = client.search_model_versions("name = 'anomaly_detector'")
    model = client.get_logged_model(version.source.removeprefix("models:/"))
    port = _free_port()
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen(
        [bin_dir / "mlflow", "models", "serve", "-m", "models:/anomaly_detector/latest"]
        + ["--env-manager", "local", "-h", "127.0.0.1", "-p", str(port)],
        cwd=project_with_models,
        env={
            **os.environ,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "MLFLOW_TRACKING_URI": tracking_uri,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # the server's uvicorn workers share its process group
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server)
        yield url, model.model_id, model.source_run_id
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _wait_until_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"mlflow models serve exited: {server.stderr.read().decode()}")
        try:
            with urllib.request.urlopen(f"{url}/ping", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"mlflow models serve did not answer /ping within {SERVER_START_SECONDS}s")


def test_the_registered_model_answers_with_anomaly_maps(served_model, project_with_models: Path):
    url, model_id, run_id = served_model
    scene = _scene()
    request = urllib.request.Request(
        f"{url}/invocations",
        data=json.dumps({"inputs": scene[None].tolist()}).encode(),
        headers={"Content-Type": "application/json"},
    )

    with urllib.request.urlopen(request, timeout=60) as response:
        predictions = np.asarray(json.loads(response.read())["predictions"], dtype=np.float32)

    assert predictions.shape == (1, *SCENE_SIZE)
    assert np.isfinite(predictions).all() and 0 <= predictions.min() <= predictions.max() <= 1
    detector = AnomalyDetector.from_mlflow(run_id, device="cpu")
    np.testing.assert_allclose(predictions[0], detector(scene), atol=1e-5)
    same = AnomalyDetector.from_mlflow(f"models:/{model_id}", device="cpu")
    np.testing.assert_allclose(same(scene), predictions[0], atol=1e-5)

    # The registered version carries a signature with free sizes, and an example the UI shows
    # that the server answers.
    info = mlflow.models.get_model_info(f"models:/{model_id}")
    assert info.signature.inputs.to_dict()[0]["tensor-spec"]["shape"] == (-1, -1, -1, 3)
    folder = mlflow.get_logged_model(model_id).artifact_location
    example = Path(mlflow.artifacts.download_artifacts(f"{folder}/serving_input_example.json"))
    request = urllib.request.Request(
        f"{url}/invocations",
        data=example.read_bytes(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert np.asarray(json.loads(response.read())["predictions"]).shape == (1, 24, 48)
