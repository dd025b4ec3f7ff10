"""Tiny networks and frames for the uncertainty-map tests."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
import torch

from synboost_kedro.models.perceptual import PerceptualDifference
from synboost_kedro.uncertainty import MapConfig, MapModels, SynthesisLabels
from tests.conftest import processed_frame, tiny_networks, torch_threads


@pytest.fixture(autouse=True)
def _one_torch_thread() -> Iterator[None]:
    """Tiny convolutions gain nothing from threads, which only contend on a shared CPU."""
    with torch_threads(1):
        yield


@pytest.fixture(scope="session")
def perceptual() -> PerceptualDifference:
    return PerceptualDifference(seed=0)


@pytest.fixture
def models(perceptual: PerceptualDifference) -> MapModels:
    return MapModels(*tiny_networks(), perceptual)


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
