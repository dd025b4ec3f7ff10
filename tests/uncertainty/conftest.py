"""Tiny networks and frames for the uncertainty-map tests."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
import torch

from synboost_kedro.frames import ProcessedFrame
from synboost_kedro.models.perceptual import PerceptualDifference
from synboost_kedro.models.segmentation import create_segmentation_model
from synboost_kedro.models.synthesis import create_synthesis_model
from synboost_kedro.uncertainty import MapConfig, MapModels, SynthesisLabels
from tests.conftest import make_frame


@pytest.fixture(autouse=True)
def _one_torch_thread() -> Iterator[None]:
    """Tiny convolutions gain nothing from threads, which only contend on a shared CPU."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def perceptual() -> PerceptualDifference:
    return PerceptualDifference(seed=0)


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


@pytest.fixture
def models(perceptual: PerceptualDifference) -> MapModels:
    return MapModels(*tiny_networks(), perceptual)


def processed_frame(frame_id: str, height: int = 40, width: int = 72, seed: int = 0):
    frame = make_frame(frame_id, height, width, seed)
    return ProcessedFrame(
        frame_id, frame.image, label_ids=frame.label_ids, instance_ids=frame.instance_ids
    )


def frame_loaders(count: int = 3, height: int = 40, width: int = 72) -> dict:
    """``{frame_id: loader}`` of ``count`` distinct frames, like ``ProcessedDataset.load()``."""
    ids = [f"testcity_{index:06d}_000019" for index in range(count)]
    return {
        frame_id: lambda frame_id=frame_id, seed=seed: processed_frame(
            frame_id, height, width, seed
        )
        for seed, frame_id in enumerate(ids)
    }


def config(**overrides) -> MapConfig:
    settings = {
        "segmentation_size": (32, 64),
        "synthesis_size": (16, 32),
        "perceptual_size": (16, 32),
        "synthesis_labels": SynthesisLabels.PREDICTION,
        "batch_size": 2,
    }
    return MapConfig(**{**settings, **overrides})


def random_logits(seed: int = 0, shape=(2, 19, 6, 10), scale: float = 3.0) -> torch.Tensor:
    return torch.from_numpy(np.random.default_rng(seed).normal(0, scale, shape).astype(np.float32))
