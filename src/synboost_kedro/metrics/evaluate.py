"""All anomaly metrics of a dataset in one call: pixel metrics, then component metrics."""

from __future__ import annotations

from collections.abc import Iterable, Sized
from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from synboost_kedro.metrics.components import (
    ComponentMetricAccumulator,
    ComponentMetrics,
    ComponentTrack,
)
from synboost_kedro.metrics.pixel import PixelMetricAccumulator, PixelMetrics

Frame = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True, eq=False)
class AnomalyMetrics:
    """Pixel and component metrics of one method on one dataset.

    Attributes:
        pixel: AP, AUROC, FPR at 95% TPR, best F1 and curves.
        components: sIoU, PPV and mean F1 of the SegmentMeIfYouCan protocol.
    """

    pixel: PixelMetrics
    components: ComponentMetrics

    def scalars(self) -> dict[str, float]:
        """All scalar metrics by name, e.g. for logging to MLflow."""
        return {**self.pixel.scalars(), **self.components.scalars()}


def evaluate_frames(
    frames: Iterable[Frame],
    track: ComponentTrack,
    component_threshold: float | None = None,
    max_curve_points: int | None = 2048,
) -> AnomalyMetrics:
    """Compute every metric over ``(scores, labels)`` frames.

    With ``component_threshold=None`` the official protocol needs two passes: the pixel metrics
    give the best-F1 threshold, which then binarises the predictions for the component metrics.
    ``frames`` must then be re-iterable (a list, or an object whose ``__iter__`` starts over);
    with an explicit threshold a single pass suffices and any iterable works.

    Args:
        frames: ``(scores [H, W], labels [H, W])`` pairs; labels 1 = anomaly, 0 = normal, others
            ignored. All scores share one dtype.
        track: Component size filters, e.g. ``ANOMALY_TRACK`` or ``OBSTACLE_TRACK``.
        component_threshold: Pixel threshold of the component metrics; ``None`` = best-F1 one.
        max_curve_points: Passed to :meth:`PixelMetricAccumulator.compute`.

    Returns:
        Pixel and component metrics.

    Raises:
        TypeError: If two passes are needed but ``frames`` is a one-shot iterator.
        ValueError: As raised by the accumulators (bad frame, no anomaly or normal pixel).
    """
    pixel_accumulator = PixelMetricAccumulator()
    if component_threshold is not None:
        component_accumulator = ComponentMetricAccumulator(component_threshold, track)
        for scores, labels in _progress(frames, "pixel and component metrics"):
            pixel_accumulator.update(scores, labels)
            component_accumulator.update(scores, labels)
        return AnomalyMetrics(
            pixel_accumulator.compute(max_curve_points), component_accumulator.compute()
        )

    if iter(frames) is frames:
        raise TypeError(
            "frames is a one-shot iterator, but the component metrics need a second pass at the "
            "best-F1 threshold; pass a list or re-iterable collection, or set component_threshold"
        )
    for scores, labels in _progress(frames, "pixel metrics"):
        pixel_accumulator.update(scores, labels)
    pixel = pixel_accumulator.compute(max_curve_points)
    component_accumulator = ComponentMetricAccumulator(pixel.best_f1_threshold, track)
    for scores, labels in _progress(frames, "component metrics"):
        component_accumulator.update(scores, labels)
    return AnomalyMetrics(pixel, component_accumulator.compute())


def _progress(frames: Iterable[Frame], description: str) -> Iterable[Frame]:
    total = len(frames) if isinstance(frames, Sized) else None
    return tqdm(frames, total=total, desc=description, unit="frame", leave=False)
