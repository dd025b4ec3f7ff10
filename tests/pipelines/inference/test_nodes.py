import pytest

from synboost_kedro.inference import DetectorSettings
from synboost_kedro.pipelines.inference.nodes import inference_settings


def test_settings_from_project_parameters():
    map_params = {
        "device": "cpu",
        "batch_size": 1,
        "num_workers": 0,
        "normalisation": "min_max",
        "segmentation": {"height": 32, "width": 64},
        "synthesis": {"height": 16, "width": 32, "style_seed": 7},
        "perceptual": {"height": 24, "width": 40, "weights": "vgg.pth", "seed": 3},
    }
    fusion_weights = {"dissimilarity": 0.5, "perceptual": 0.5}
    inference = {"batch_size": 3, "max_pixels": 100, "precision": "auto", "compile": True}
    settings = inference_settings(map_params, fusion_weights, inference)
    assert settings == DetectorSettings(
        segmentation_size=(32, 64),
        synthesis_size=(16, 32),
        dissimilarity_size=(24, 40),
        fusion_weights={"dissimilarity": 0.5, "perceptual": 0.5},
        normalisation="min_max",
        seed=7,
        batch_size=3,
        max_pixels=100,
        perceptual_weights="vgg.pth",
        perceptual_seed=3,
        precision="auto",
        compile=True,
    )
    with pytest.raises(ValueError, match="fusion_weights"):
        inference_settings(map_params, {}, {"batch_size": 1, "max_pixels": 1})
