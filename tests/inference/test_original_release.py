"""``AnomalyDetector.from_original_release`` on a fake ``models.tar`` (seeded random weights in
the original containers and file names)."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from synboost_kedro.inference import ORIGINAL_RECIPE, AnomalyDetector
from synboost_kedro.models.dissimilarity import DissimilarityConfig, DissimilarityNet
from synboost_kedro.models.model_file import read_model_file, write_model_file
from synboost_kedro.models.release_files import DISSIMILARITY_FILES
from tests.models.conftest import Release, save_original_style_release

SEED = 5
#: Segmentation is the costliest network and its weights fit any input size, so the prediction
#: test runs it smaller; synthesis and dissimilarity keep the release's 256×512.
SMALL_SEGMENTATION = dataclasses.replace(ORIGINAL_RECIPE, segmentation_size=(128, 256))


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    folder = tmp_path_factory.mktemp("models")
    release = save_original_style_release(folder, SEED)
    for variant in DISSIMILARITY_FILES:
        _save_original_dissimilarity(folder, variant)
    return release


def _save_original_dissimilarity(folder: Path, variant: str) -> None:
    torch.manual_seed(SEED)
    state = DissimilarityNet(DissimilarityConfig.preset(variant)).state_dict()
    path = folder / DISSIMILARITY_FILES[variant]
    path.parent.mkdir(parents=True, exist_ok=True)
    # Saved from a DataParallel-wrapped network, as the original training code does.
    torch.save({f"module.{key}": tensor for key, tensor in state.items()}, path)


@pytest.fixture(scope="module")
def detector(release: Release) -> AnomalyDetector:
    return AnomalyDetector.from_original_release(
        release.folder, device="cpu", settings=SMALL_SEGMENTATION
    )


def test_loads_the_release_weights(release: Release, detector: AnomalyDetector) -> None:
    segmentation = detector.map_models.segmentation.state_dict()
    some_key = next(key for key in release.segmentation_state if key.endswith("weight"))
    assert torch.equal(segmentation[some_key], release.segmentation_state[some_key])
    stored = torch.load(release.folder / DISSIMILARITY_FILES["ours"], weights_only=True, mmap=True)
    for key, tensor in detector.dissimilarity.state_dict().items():
        assert torch.equal(tensor.cpu(), stored[f"module.{key}"]), key
    assert detector.dissimilarity.build_config["kind"] == "dissimilarity"


def test_dissimilarity_network_is_a_pipeline_model_file(
    detector: AnomalyDetector, tmp_path: Path
) -> None:
    path = tmp_path / "dissimilarity_model.pt"
    write_model_file(detector.dissimilarity, path)
    reloaded = read_model_file(path, "dissimilarity")
    for key, tensor in detector.dissimilarity.state_dict().items():
        assert torch.equal(reloaded.state_dict()[key], tensor), key


def test_baseline_scores_with_the_anomaly_probability_alone(release: Release) -> None:
    baseline = AnomalyDetector.from_original_release(
        release.folder, variant="baseline", device="cpu"
    )
    assert baseline.settings == dataclasses.replace(
        ORIGINAL_RECIPE, fusion_weights={"dissimilarity": 1.0}
    )
    assert not baseline.dissimilarity.config.prior
    # The detector passes the priors to every network; one without priors must ignore them.
    inputs = {name: torch.rand(1, 3, 32, 64) for name in ("image", "synthesis")}
    semantic = torch.zeros(1, baseline.dissimilarity.config.num_semantic_classes, 32, 64)
    prior = torch.rand(1, 1, 32, 64)
    with torch.inference_mode():
        logits = baseline.dissimilarity(
            **inputs, semantic=semantic, entropy=prior, mae=prior, distance=prior
        )
    assert logits.shape == (1, 2, 32, 64)


def test_default_settings_are_the_original_recipe() -> None:
    assert ORIGINAL_RECIPE.segmentation_size == (1024, 2048)
    assert ORIGINAL_RECIPE.synthesis_size == ORIGINAL_RECIPE.dissimilarity_size == (256, 512)
    assert ORIGINAL_RECIPE.normalisation == "original"
    assert ORIGINAL_RECIPE.fusion_weights == {"dissimilarity": 0.75, "entropy": 0.25}


def test_missing_files_are_all_named(release: Release, tmp_path: Path) -> None:
    partial = tmp_path / "models"
    shutil.copytree(release.folder / "image-synthesis", partial / "image-synthesis")
    expected_missing = [
        partial / "image-segmentation" / "cityscapes_best.pth",
        partial / "image-dissimilarity" / "best_net_baseline_mult_3.pth",
    ]
    with pytest.raises(FileNotFoundError) as error:
        AnomalyDetector.from_original_release(partial, variant="baseline", device="cpu")
    message = str(error.value)
    for path in expected_missing:
        assert f"'{path}'" in message
    assert "latest_net_G.pth" not in message


def test_unknown_variant_is_refused(release: Release) -> None:
    with pytest.raises(ValueError, match=re.escape("'light'")):
        AnomalyDetector.from_original_release(release.folder, variant="light", device="cpu")


@pytest.mark.slow
def test_scores_an_image_at_its_size(detector: AnomalyDetector) -> None:
    image = np.random.default_rng(SEED).integers(0, 256, (48, 80, 3), dtype=np.uint8)
    scores = detector(image)
    assert scores.dtype == np.float32
    assert scores.shape == (48, 80)
    assert np.isfinite(scores).all()
    assert 0.0 <= scores.min() and scores.max() <= 1.0
