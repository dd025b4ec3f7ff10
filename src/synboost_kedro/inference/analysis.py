"""The detector's dissimilarity stage and its outputs, at the networks' and the image's size."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from PIL import Image
from torch import nn

from synboost_kedro.frames import ProcessedFrame
from synboost_kedro.images import checked_rgb
from synboost_kedro.inference.settings import DetectorSettings
from synboost_kedro.scoring import (
    dissimilarity_probabilities,
    fuse_scores,
    prepare_sample,
    resize_scores,
)
from synboost_kedro.uncertainty.frame_inputs import resize_array
from synboost_kedro.uncertainty.quantise import uint8_to_unit
from synboost_kedro.utils.precision import Precision

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnomalyAnalysis:
    """Every map of one image, at the image's size.

    Attributes:
        anomaly: ``[H, W]`` float32 final anomaly score (the fusion), bilinearly resized.
        dissimilarity: ``[H, W]`` float32 anomaly probability of the dissimilarity network.
        semantic: ``[H, W]`` uint8 predicted Cityscapes train ids, NEAREST-resized.
        synthesis: ``[H, W, 3]`` uint8 re-synthesised image, bicubically resized.
        entropy: ``[H, W]`` float32 softmax entropy in ``[0, 1]``, bilinearly resized.
        distance: ``[H, W]`` float32 softmax distance in ``[0, 1]``, bilinearly resized.
        perceptual: ``[H, W]`` float32 perceptual difference in ``[0, 1]``, bilinearly resized.
    """

    anomaly: np.ndarray
    dissimilarity: np.ndarray
    semantic: np.ndarray
    synthesis: np.ndarray
    entropy: np.ndarray
    distance: np.ndarray
    perceptual: np.ndarray


@dataclass(frozen=True)
class NetworkOutput:
    """One image's outputs at the networks' resolutions.

    Attributes:
        image: The RGB image, at its own size.
        maps: Its uncertainty maps, synthesis and predicted semantics.
        scores: ``dissimilarity``, ``entropy``, ``perceptual`` and ``distance`` in [0, 1].
        anomaly: The fused score.
    """

    image: np.ndarray
    maps: ProcessedFrame
    scores: dict[str, np.ndarray]
    anomaly: np.ndarray

    def full_size(self) -> AnomalyAnalysis:
        """Every map resized to the image's size (labels NEAREST, scores bilinear)."""
        height, width = self.image.shape[:2]
        maps = self.maps

        def score(values: np.ndarray | torch.Tensor) -> np.ndarray:
            return resize_scores(torch.as_tensor(values), height, width)

        return AnomalyAnalysis(
            anomaly=score(self.anomaly),
            dissimilarity=score(self.scores["dissimilarity"]),
            semantic=resize_array(maps.semantic, (height, width), Image.Resampling.NEAREST),
            synthesis=resize_array(maps.synthesis, (height, width), Image.Resampling.BICUBIC),
            entropy=score(uint8_to_unit(maps.entropy)),
            distance=score(uint8_to_unit(maps.distance)),
            perceptual=score(uint8_to_unit(maps.perceptual)),
        )


def score_batch(
    dissimilarity: nn.Module,
    images: list[np.ndarray],
    maps: list[ProcessedFrame],
    settings: DetectorSettings,
    device: torch.device,
    *,
    precision: Precision,
) -> list[NetworkOutput]:
    """Run the dissimilarity network in ``precision`` on a batch of images and their maps, and
    fuse the scores (in float32)."""
    height, width = settings.dissimilarity_size
    samples = [
        prepare_sample(
            ProcessedFrame(frame.frame_id, image=image),
            frame,
            height,
            width,
            semantic_source="prediction",
            label_required=False,
        )
        for image, frame in zip(images, maps, strict=True)
    ]
    probabilities = dissimilarity_probabilities(dissimilarity, samples, device, precision)
    outputs = []
    for image, frame, sample, probability in zip(
        images, maps, samples, probabilities.numpy(), strict=True
    ):
        scores = {
            "dissimilarity": probability,
            "entropy": sample["entropy"][0].numpy(),
            "perceptual": sample["mae"][0].numpy(),
            "distance": sample["distance"][0].numpy(),
        }
        anomaly = fuse_scores(scores, settings.fusion_weights)
        outputs.append(NetworkOutput(image, frame, scores, anomaly))
    return outputs


class ImageStream:
    """Every analysis of a folder of images, computed while a dataset writes them.

    Called once, it yields ``(name, RGB image, AnomalyAnalysis)`` in name order. Unless
    ``strict``, an image that cannot be read or is too large is skipped with a warning and
    recorded in :attr:`skipped` as ``{name: reason}``, and the others are still analysed.

    Args:
        analyse: ``AnomalyDetector.analyse_stream``.
        loaders: ``{name: loader}`` of the image files (``storage.image_folder`` loaders).
        strict: Stop at the first bad image instead.
        max_pixels: Passed to every loader, which checks it from the file's header before
            decoding (the detector's ``settings.max_pixels``).
    """

    def __init__(
        self,
        analyse: Callable[..., Iterator],
        loaders: Mapping[str, Callable[..., Any]],
        strict: bool,
        max_pixels: int,
    ) -> None:
        self._analyse = analyse
        self._loaders = {
            name: functools.partial(load, max_pixels=max_pixels) for name, load in loaders.items()
        }
        self._strict = strict
        self.skipped: dict[str, str] = {}

    def __call__(self) -> Iterator[tuple[str, np.ndarray, AnomalyAnalysis]]:
        return self._analyse(self._loaders, None if self._strict else self.skipped)


def decode_images(
    loaders: Mapping[str, Callable[[], Any]],
    names: Sequence[str],
    max_pixels: int,
    skipped: dict[str, str] | None,
) -> dict[str, np.ndarray]:
    """The RGB arrays of ``names``; a bad image raises, or is recorded in ``skipped`` if given."""
    images = {}
    for name in names:
        try:
            images[name] = checked_rgb(loaders[name](), name, max_pixels)
        except ValueError as error:
            if skipped is None:
                raise
            skipped[name] = str(error)
            logger.warning("Skipping '%s': %s", name, error)
    return images


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of ``size`` (the last one shorter)."""
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
