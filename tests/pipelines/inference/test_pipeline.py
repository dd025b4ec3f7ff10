"""The inference pipeline on a hand-built catalog: every output of every image, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner
from PIL import Image

from synboost_kedro.cityscapes import TRAIN_ID_COLOURS
from synboost_kedro.datasets.anomaly_detector import AnomalyDetectorDataset
from synboost_kedro.datasets.image_folder import ImageFolderDataset
from synboost_kedro.datasets.inference_outputs import OUTPUT_KINDS, InferenceOutputDataset
from synboost_kedro.heatmaps import overlay
from synboost_kedro.inference import AnomalyDetector
from synboost_kedro.models.dissimilarity import create_dissimilarity_model
from synboost_kedro.pipelines.inference import create_pipeline
from synboost_kedro.pipelines.inference.nodes import score_images
from tests.conftest import street_image, tiny_detector, tiny_networks
from tests.pipelines.conftest import FUSION_WEIGHTS, MAP_PARAMS

pytestmark = pytest.mark.usefixtures("one_torch_thread")
SIZES = {"wide": (40, 72), "tall": (50, 30), "grey": (24, 40)}


def _write_images(folder: Path) -> None:
    folder.mkdir()
    for seed, (name, size) in enumerate(SIZES.items()):
        image = Image.fromarray(street_image(*size, seed=seed))
        (image.convert("L") if name == "grey" else image).save(folder / f"{name}.png")
    (folder / "notes.txt").write_text("skipped: not an image")


def _run(tmp_path: Path, max_pixels: int = 100_000, strict: bool = False) -> None:
    segmentation, synthesis = tiny_networks()
    torch.manual_seed(1)
    catalog = DataCatalog(
        {
            "segmentation_model": MemoryDataset(segmentation, copy_mode="assign"),
            "synthesis_model": MemoryDataset(synthesis, copy_mode="assign"),
            "dissimilarity_model": MemoryDataset(
                create_dissimilarity_model("vgg16"), copy_mode="assign"
            ),
            "anomaly_detector": AnomalyDetectorDataset(str(tmp_path / "detector"), device="cpu"),
            "inference_images": ImageFolderDataset(str(tmp_path / "images")),
            "inference_outputs": InferenceOutputDataset(str(tmp_path / "out")),
            "params:uncertainty_maps": MemoryDataset(MAP_PARAMS),
            "fusion_weights": MemoryDataset(FUSION_WEIGHTS),
            "params:inference": MemoryDataset(
                {"device": "cpu", "batch_size": 2, "max_pixels": max_pixels, "strict": strict}
            ),
        }
    )
    SequentialRunner().run(create_pipeline(), catalog)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("inference")
    _write_images(root / "images")
    _run(root)
    return root


def test_every_output_of_every_image_at_its_size(outputs):
    for name, (height, width) in SIZES.items():
        for kind in OUTPUT_KINDS:
            with Image.open(outputs / "out" / kind / f"{name}.png") as image:
                assert image.size == (width, height), (kind, name)
        scores = np.load(outputs / "out" / "anomaly" / f"{name}.npy")
        assert scores.dtype == np.float32 and scores.shape == (height, width)
        with Image.open(outputs / "out" / "anomaly_8bit" / f"{name}.png") as preview:
            assert preview.mode == "L"
            np.testing.assert_array_equal(
                np.asarray(preview), (np.clip(scores, 0, 1) * 255).astype(np.uint8)
            )
        with Image.open(outputs / "out" / "figure" / f"{name}.png") as figure:
            assert figure.width > 4 * width  # a grid of eight maps and the colour bar
    assert not (outputs / "out" / "anomaly" / "notes.png").exists()


def test_anomaly_png_is_the_16_bit_score_and_matches_the_api(outputs):
    detector = AnomalyDetector.load(outputs / "detector", device="cpu")
    image = np.asarray(Image.open(outputs / "images" / "wide.png"))
    scores = np.load(outputs / "out" / "anomaly" / "wide.npy")

    with Image.open(outputs / "out" / "anomaly" / "wide.png") as stored:
        mode, png = stored.mode, np.asarray(stored)

    assert mode == "I;16"
    np.testing.assert_array_equal(png, np.round(np.clip(scores, 0, 1) * 65535))
    np.testing.assert_allclose(scores, detector(image), atol=1e-5)


def test_renderings_are_the_colourised_maps(outputs):
    image = np.asarray(Image.open(outputs / "images" / "wide.png"))
    scores = np.load(outputs / "out" / "anomaly" / "wide.npy")
    semantic = np.asarray(Image.open(outputs / "out" / "semantic" / "wide.png"))
    rendered = np.asarray(Image.open(outputs / "out" / "overlay" / "wide.png"))
    heat = np.asarray(Image.open(outputs / "out" / "heatmap" / "wide.png"))

    palette = {tuple(colour) for colour in TRAIN_ID_COLOURS[:19]}
    assert {tuple(colour) for colour in semantic.reshape(-1, 3)} <= palette
    np.testing.assert_array_equal(rendered, overlay(image, scores, 0.6))
    assert heat.shape == (40, 72, 3)
    for kind in ("entropy", "distance", "perceptual"):
        assert np.asarray(Image.open(outputs / "out" / kind / "wide.png")).dtype == np.uint8


def test_outputs_dataset_loads_the_score_maps(outputs):
    loaders = InferenceOutputDataset(str(outputs / "out")).load()

    assert sorted(loaders) == sorted(SIZES)
    assert loaders["tall"]().shape == SIZES["tall"]


def test_bad_images_are_skipped_named_and_listed_and_the_rest_is_written(tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    for name in ("a_good", "z_good"):
        Image.fromarray(street_image()).save(folder / f"{name}.png")
    Image.new("L", (10_000, 10_000)).save(folder / "m_huge.png")
    (folder / "n_broken.png").write_bytes(b"\x89PNG not really")

    _run(tmp_path)

    written = sorted(path.stem for path in (tmp_path / "out" / "anomaly").glob("*.png"))
    assert written == ["a_good", "z_good"]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["written"] == ["a_good", "z_good"]
    assert sorted(summary["skipped"]) == ["m_huge", "n_broken"]
    assert "declares 10000x10000" in summary["skipped"]["m_huge"]
    assert "unreadable or truncated" in summary["skipped"]["n_broken"]


def test_strict_runs_stop_at_the_first_bad_image_naming_it_and_the_limit(tmp_path):
    _write_images(tmp_path / "images")

    with pytest.raises(Exception, match=r"tall.png' declares 30x50 = 1500 pixels.*= 1400"):
        _run(tmp_path, max_pixels=1400, strict=True)


def test_served_batches_and_single_images_are_scored():
    detector = tiny_detector()
    batch = np.stack([street_image(seed=seed) for seed in range(2)]).astype(np.int64)

    scores = score_images(batch, detector)
    single = score_images(batch[1], detector)

    assert scores.shape == (2, 40, 72) and scores.dtype == np.float32
    np.testing.assert_allclose(single[0], scores[1], atol=1e-5)


@pytest.mark.parametrize(
    ("served", "message"),
    [
        (np.zeros((2, 8, 8, 3), np.float64), "integers 0..255"),
        (np.full((8, 8, 3), 300), "integers 0..255"),
        (np.zeros((8, 8)), r"\[N, H, W, 3\]"),
        (np.zeros((1, 8, 8, 4), np.uint8), r"\[N, H, W, 3\]"),
    ],
)
def test_bad_served_input_fails_clearly(served, message):
    with pytest.raises(ValueError, match=message):
        score_images(served, detector=None)


@pytest.mark.parametrize("name", ["train", "__default__"])
def test_train_and_the_default_run_register_the_served_detector(name: str):
    from kedro.framework.project import configure_project
    from kedro_mlflow.pipeline.pipeline_ml import PipelineML

    from synboost_kedro.pipeline_registry import register_pipelines
    from synboost_kedro.pipelines.inference import SERVED_INPUT

    configure_project("synboost_kedro")
    served = register_pipelines()[name]

    assert isinstance(served, PipelineML)
    assert served.input_name == SERVED_INPUT
    assert served.inference.outputs() == {"served_anomaly_maps"}
    assert "assemble_anomaly_detector_node" in {node.name for node in served.nodes}
    assert served.log_model_kwargs["registered_model_name"] == "anomaly_detector"
