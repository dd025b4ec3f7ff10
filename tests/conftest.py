"""Shared fixtures and helpers: MLflow isolation, tiny frames, networks, detectors and processed
sets, and a throw-away Kedro project."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pytest
import torch

from synboost_kedro.cityscapes import LABEL_ID_BY_NAME
from synboost_kedro.datasets import ProcessedDataset, ScoreMapDataset
from synboost_kedro.evaluation import BASE_METHODS
from synboost_kedro.frames import (
    ANOMALY,
    IGNORE,
    LOGIT_BASELINES,
    CityscapesFrame,
    ProcessedFrame,
)
from synboost_kedro.inference import AnomalyDetector, DetectorSettings
from synboost_kedro.models.dissimilarity import create_dissimilarity_model
from synboost_kedro.models.model_file import write_model_file
from synboost_kedro.models.perceptual import PerceptualDifference
from synboost_kedro.models.segmentation import create_segmentation_model
from synboost_kedro.models.synthesis import create_synthesis_model
from synboost_kedro.pipeline_registry import configure_benchmarks
from synboost_kedro.scoring import ORIGINAL_FUSION_WEIGHTS

PROJECT_ROOT = Path(__file__).resolve().parents[1]

os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "1")


@contextlib.contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Run with ``count`` torch threads: tiny networks gain nothing from more, which only
    contend with each other on a shared CPU."""
    threads = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@pytest.fixture
def one_torch_thread() -> Iterator[None]:
    with torch_threads(1):
        yield


@pytest.fixture(autouse=True)
def _reset_session_benchmarks() -> Iterator[None]:
    """A session's hook hands its benchmarks to the pipeline registry; never let them leak."""
    yield
    configure_benchmarks(None)


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


def tiny_networks() -> tuple[torch.nn.Module, torch.nn.Module]:
    """A seeded tiny segmenter and a tiny synthesiser with a noise input."""
    torch.manual_seed(0)
    segmentation = create_segmentation_model(
        "compact_deeplab",
        stage_channels=(4, 8, 8),
        skip_stage=0,
        decoder_channels=8,
        skip_channels=4,
        atrous_rates=(1, 2),
    )
    synthesis = create_synthesis_model(
        "spade_compact", base_channels=4, num_up_layers=2, hidden_channels=4, noise_channels=1
    )
    return segmentation.eval(), synthesis.eval()


def processed_frame(frame_id: str, height: int = 40, width: int = 72, seed: int = 0):
    frame = make_frame(frame_id, height, width, seed)
    return ProcessedFrame(
        frame_id, frame.image, label_ids=frame.label_ids, instance_ids=frame.instance_ids
    )


TINY_SETTINGS = DetectorSettings(
    segmentation_size=(32, 64),
    synthesis_size=(16, 32),
    dissimilarity_size=(16, 32),
    batch_size=2,
)


def tiny_detector(settings: DetectorSettings = TINY_SETTINGS) -> AnomalyDetector:
    """A CPU detector of tiny seeded networks (the dissimilarity network has its full VGG16)."""
    segmentation, synthesis = tiny_networks()
    torch.manual_seed(1)
    dissimilarity = create_dissimilarity_model("vgg16")
    return AnomalyDetector(
        segmentation,
        synthesis,
        dissimilarity,
        perceptual=TINY_PERCEPTUAL,
        settings=settings,
        device="cpu",
    )


TINY_PERCEPTUAL = PerceptualDifference(seed=0)


def street_image(height: int = 40, width: int = 72, seed: int = 0) -> np.ndarray:
    """Sky over road with a bright block: a cheap stand-in for a driving scene."""
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 40, size=(height, width, 3), dtype=np.uint8)
    image[: height // 2] += np.array([90, 120, 180], np.uint8)
    image[height // 2 :] += np.array([70, 70, 70], np.uint8)
    image[-height // 4 :, width // 3 : width // 2] = (250, 40, 30)
    return image


def assert_anomaly_maps_match(actual: np.ndarray, expected: np.ndarray) -> None:
    """ONNX Runtime's anomaly map is torch's up to rounding and rare one-step map changes."""
    tolerance = ORIGINAL_FUSION_WEIGHTS["entropy"] / 255 + 1e-4  # one 8-bit map step
    np.testing.assert_allclose(actual, expected, atol=tolerance)
    assert np.abs(actual - expected).mean() <= 1e-5


FRAME_FIELDS = ["image", "label", "semantic", "label_ids", "instance_ids"]
MAP_FIELDS = ["semantic", "synthesis", "entropy", "distance", "perceptual"]
#: The maps of a set in benchmark form: SynBoost's and the logit baselines' (conf/base/catalog.yml).
BENCHMARK_MAP_FIELDS = [*MAP_FIELDS, *LOGIT_BASELINES]


def make_pair(
    frame_id: str, height: int, width: int, seed: int
) -> tuple[ProcessedFrame, ProcessedFrame]:
    """A random but valid (swapped frame, uncertainty maps) pair with one anomalous box.

    The synthesis differs from the image and the priors (and the logit baselines' scores) are
    high on the box, so a network can learn something from it; the top rows of the semantic map
    and the bottom row of the label are void (255).
    """
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    label = np.zeros((height, width), dtype=np.uint8)
    top, left = rng.integers(0, height // 2), rng.integers(0, width // 2)
    box = (slice(top, top + height // 3), slice(left, left + width // 3))
    label[box] = ANOMALY
    label[-1] = IGNORE
    semantic = rng.integers(0, 19, (height, width), dtype=np.uint8)
    semantic[:2] = 255
    synthesis = image.copy()
    synthesis[box] = 255 - synthesis[box]
    priors = {}
    for name in ("entropy", "distance", "perceptual"):
        prior = rng.integers(0, 100, (height, width), dtype=np.uint8)
        prior[box] += 150
        priors[name] = prior
    for name in LOGIT_BASELINES:
        score = rng.normal(0, 1, (height, width)).astype(np.float32)
        score[box] += 3
        priors[name] = score
    frame = ProcessedFrame(
        frame_id,
        image=image,
        label=label,
        semantic=semantic,
        label_ids=rng.integers(0, 34, (height, width), dtype=np.uint8),
        instance_ids=rng.integers(0, 34, (height, width)).astype(np.int32),
    )
    maps = ProcessedFrame(frame_id, semantic=semantic, synthesis=synthesis, **priors)
    return frame, maps


def write_processed_set(
    root: Path, name: str, num_frames: int, *, height: int = 32, width: int = 64, seed: int = 0
) -> tuple[ProcessedDataset, ProcessedDataset]:
    """Write ``name`` under ``root/data/03_primary`` and ``root/data/04_feature`` as the catalog
    expects (the training set's maps without the logit baselines), and return the (frames, maps)
    datasets."""
    frames = ProcessedDataset(str(root / "data/03_primary" / name), FRAME_FIELDS)
    fields = MAP_FIELDS if name == "dissimilarity_train" else BENCHMARK_MAP_FIELDS
    maps = ProcessedDataset(str(root / "data/04_feature" / name), fields)
    pairs = [
        make_pair(f"{name}_{index:03d}", height, width, seed * 1000 + index)
        for index in range(num_frames)
    ]
    frames.save({frame.frame_id: frame for frame, _ in pairs})
    maps.save({frame.frame_id: frame_maps for frame, frame_maps in pairs})
    return frames, maps


def write_tiny_model_files(folder: Path) -> None:
    """The catalog's ``<kind>_model.pt`` files of tiny seeded networks in ``folder``."""
    segmentation, synthesis = tiny_networks()
    torch.manual_seed(1)
    networks = {
        "segmentation": segmentation,
        "synthesis": synthesis,
        "dissimilarity": create_dissimilarity_model("vgg16"),
    }
    for kind, network in networks.items():
        write_model_file(network, folder / f"{kind}_model.pt")


#: The evaluation pipeline's stored methods (``evaluation.BASE_METHODS``).
#: The methods the evaluation pipeline stores scores of.
STORED_METHODS = BASE_METHODS
STORED_SIZE = (24, 40)
STORED_FRAME_IDS = ("f0", "f1", "f2")


def write_stored_set(root: Path) -> tuple[Path, Path]:
    """A labelled set and its float16 scores as the evaluation pipeline stores them: the labels
    (``<root>/set/labels``) and the scores (``<root>/scores/<method>``)."""
    rng = np.random.default_rng(0)
    frames, scores = {}, {}
    for index, frame_id in enumerate(STORED_FRAME_IDS):
        label = np.zeros(STORED_SIZE, np.uint8)
        label[4 + index : 14 + index, 8:30] = 1
        label[0] = 255
        image = rng.integers(0, 256, (*STORED_SIZE, 3), dtype=np.uint8)
        frames[frame_id] = ProcessedFrame(frame_id, image=image, label=label)
        scores[frame_id] = {
            method: (0.4 * label * rng.random() + rng.random(STORED_SIZE)).astype(np.float16)
            for method in STORED_METHODS
        }
    ProcessedDataset(str(root / "set"), ["image", "label"]).save(frames)
    ScoreMapDataset(str(root / "scores"), STORED_METHODS).save(scores)
    return root / "set", root / "scores"
