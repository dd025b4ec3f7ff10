"""The original's ``test_ensemble`` search of fusion weights on a validation split."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable, Mapping

import numpy as np

from synboost_kedro.metrics import PixelMetricAccumulator
from synboost_kedro.scoring import FUSABLE_METHODS, FusionWeights, fuse_scores

logger = logging.getLogger(__name__)

FUSION_METHOD = "synboost"


def with_fusion(
    maps: Mapping[str, np.ndarray], weights: Mapping[str, float]
) -> dict[str, np.ndarray]:
    """``maps`` plus their fusion under :data:`FUSION_METHOD`, quantised to float16 like the
    stored maps (and SegmentMeIfYouCan's scores)."""
    return {**maps, FUSION_METHOD: fuse_scores(maps, weights).astype(np.float16)}


def candidate_weights(levels: Iterable[int] = range(4)) -> list[FusionWeights]:
    """Every weight vector of ``levels``⁴ over :data:`FUSABLE_METHODS`, L1-normalised, deduplicated.

    With the default levels {0,1,2,3} this is the original's grid; the published 0.75/0.25 is
    (3, 1, 0, 0) / 4.
    """
    seen: dict[tuple[float, ...], FusionWeights] = {}
    for vector in itertools.product(levels, repeat=len(FUSABLE_METHODS)):
        total = sum(vector)
        if total:
            key = tuple(round(value / total, 12) for value in vector)
            seen.setdefault(key, dict(zip(FUSABLE_METHODS, key, strict=True)))
    return list(seen.values())


def search_fusion_weights(
    frames: Callable[[], Iterable[tuple[Mapping[str, np.ndarray], np.ndarray]]],
    candidates: list[FusionWeights] | None = None,
) -> tuple[FusionWeights, dict[str, float]]:
    """The weights with the lowest FPR at 95% TPR (ties: higher AP) on a validation split.

    Args:
        frames: Returns a fresh iterable of ``(scores by method, labels)`` per call; it is
            iterated once, every candidate accumulating in the same pass.
        candidates: Weight vectors to try; the original's grid by default.

    Returns:
        The best weights and their pixel metrics.
    """
    candidates = candidates or candidate_weights()
    accumulators = [PixelMetricAccumulator() for _ in candidates]
    for scores, labels in frames():
        for weights, accumulator in zip(candidates, accumulators, strict=True):
            accumulator.update(fuse_scores(scores, weights).astype(np.float16), labels)
    results = [accumulator.compute(max_curve_points=2) for accumulator in accumulators]
    best = min(
        range(len(candidates)),
        key=lambda i: (results[i].fpr_at_95_tpr, -results[i].average_precision),
    )
    logger.info(
        "Fusion weights %s: FPR95 %.4f, AP %.4f on the validation split (%d candidates)",
        candidates[best],
        results[best].fpr_at_95_tpr,
        results[best].average_precision,
        len(candidates),
    )
    return candidates[best], results[best].scalars()
