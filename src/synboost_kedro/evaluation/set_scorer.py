"""Anomaly scores of every method for the frames of one set, streamed batch by batch.

The dissimilarity network runs at its own resolution; every score map is then resized
bilinearly to the label's resolution, so metrics are computed where the benchmark's labels live.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from synboost_kedro.frames import LOGIT_BASELINES, ProcessedFrame
from synboost_kedro.scoring import (
    SemanticSource,
    dissimilarity_probabilities,
    pair_frames,
    prepare_sample,
    resize_scores,
)
from synboost_kedro.utils.device import prepare_device
from synboost_kedro.utils.precision import DEFAULT_PRECISION, Precision, check_precision

logger = logging.getLogger(__name__)

#: SynBoost's 8-bit prior maps, each scored alone.
PRIOR_METHODS: tuple[str, ...] = ("entropy", "distance", "perceptual")
#: Methods scored per frame: the standard baselines of the segmenter's logits, SynBoost's three
#: priors alone, and the dissimilarity network alone.
BASE_METHODS: tuple[str, ...] = (*LOGIT_BASELINES, *PRIOR_METHODS, "dissimilarity")

FrameLoader = Callable[[], ProcessedFrame]


@dataclass(frozen=True)
class ScoringConfig:
    """How the dissimilarity network is run.

    Attributes:
        height: Network input height (divisible by 8).
        width: Network input width (divisible by 8).
        batch_size: Frames per forward pass.
        semantic_source: ``"prediction"`` for benchmarks; ``"swapped_labels"`` for the held-out
            Cityscapes split, whose synthesis was drawn from the swapped labels.
        precision: The network's ``fp32``, ``bf16``, ``fp16`` or ``auto`` (resolved for the
            device); the softmax and every score map stay float32.
    """

    height: int
    width: int
    batch_size: int = 4
    semantic_source: SemanticSource = "prediction"
    precision: str = DEFAULT_PRECISION

    def __post_init__(self) -> None:
        if self.height % 8 or self.width % 8 or self.height <= 0 or self.width <= 0:
            raise ValueError(
                f"evaluation image size {self.height}x{self.width} must be positive multiples of 8"
            )
        if self.batch_size <= 0:
            raise ValueError(f"evaluation batch_size must be positive, got {self.batch_size}")
        check_precision(self.precision, "evaluation.precision")


class SetScorer:
    """The producer of one set's score maps, for ``ScoreMapDataset.save`` (deferred work).

    Args:
        frames: ``{frame_id: loader}`` of frames with ``image`` and ``label``.
        maps: ``{frame_id: loader}`` of their uncertainty maps.
        model: The dissimilarity network (moved to ``device`` and put in eval mode here).
        config: Input size, batch size and semantic source.
        device: Where the network runs.
    """

    def __init__(
        self,
        frames: Mapping[str, FrameLoader],
        maps: Mapping[str, FrameLoader],
        model: nn.Module,
        config: ScoringConfig,
        device: torch.device,
    ) -> None:
        self._ids = pair_frames(frames, maps, "evaluation")
        self._frames, self._maps = frames, maps
        self._model = model.to(device).eval()
        if device.type == "cpu" and hasattr(model, "optimize_for_cpu"):
            model.optimize_for_cpu()
        self._config = config
        self._device = device
        self._precision = Precision.on(config.precision, device, "evaluation.precision")
        prepare_device(device)

    def frame_ids(self) -> Sequence[str]:
        return self._ids

    def __call__(self, skip: set[str]) -> Iterator[tuple[str, dict[str, np.ndarray]]]:
        todo = [frame_id for frame_id in self._ids if frame_id not in skip]
        size = self._config.batch_size
        for chunk in (todo[start : start + size] for start in range(0, len(todo), size)):
            pairs = [(self._frames[frame_id](), self._maps[frame_id]()) for frame_id in chunk]
            probabilities = self._anomaly_probabilities(pairs)
            for (frame, maps), probability in zip(pairs, probabilities, strict=True):
                yield frame.frame_id, self._frame_scores(frame, maps, probability)

    def _anomaly_probabilities(
        self, pairs: list[tuple[ProcessedFrame, ProcessedFrame]]
    ) -> torch.Tensor:
        samples = [
            prepare_sample(
                frame,
                maps,
                self._config.height,
                self._config.width,
                semantic_source=self._config.semantic_source,
            )
            for frame, maps in pairs
        ]
        return dissimilarity_probabilities(self._model, samples, self._device, self._precision)

    @staticmethod
    def _frame_scores(
        frame: ProcessedFrame, maps: ProcessedFrame, probability: torch.Tensor
    ) -> dict[str, np.ndarray]:
        height, width = frame.label.shape
        scores = {"dissimilarity": resize_scores(probability, height, width)}
        for method in PRIOR_METHODS:
            prior = torch.from_numpy(getattr(maps, method).astype(np.float32) / 255)
            scores[method] = resize_scores(prior, height, width)
        for method in LOGIT_BASELINES:
            baseline = getattr(maps, method)
            if baseline is None:
                raise ValueError(
                    f"Frame '{frame.frame_id}' has no '{method}' map: the logit baselines are "
                    "made by the uncertainty_maps pipeline; run it again"
                )
            scores[method] = resize_scores(
                torch.from_numpy(baseline.astype(np.float32)), height, width
            )
        return scores
