"""All anomaly metrics of a dataset in one call: pixel metrics, then component metrics."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

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


#: One frame of several methods: ``(frame id, {method: scores [H, W]}, labels [H, W])``.
MethodsFrame = tuple[str, Mapping[str, np.ndarray], np.ndarray]


@dataclass(frozen=True, eq=False)
class DatasetMetrics:
    """Every metric of several methods on one dataset.

    Attributes:
        methods: The metrics of each method.
        frame_average_precision: AP of one method per frame id, for frames with both anomaly
            and normal pixels (empty unless asked for).
    """

    methods: dict[str, AnomalyMetrics]
    frame_average_precision: dict[str, float]


def evaluate_methods(
    frames: Callable[[], Iterable[MethodsFrame]],
    methods: Sequence[str],
    track: ComponentTrack,
    max_curve_points: int | None = 2048,
    per_frame_method: str | None = None,
) -> DatasetMetrics:
    """The SegmentMeIfYouCan protocol for several methods over the same frames.

    Two passes: the pixel metrics of each method give its best-F1 threshold, which then
    binarises that method's scores for the component metrics.

    Args:
        frames: Returns a fresh iterable of :data:`MethodsFrame` per call; it is called twice.
        methods: The keys of the score dicts to evaluate.
        track: Component size filters, e.g. ``ANOMALY_TRACK`` or ``OBSTACLE_TRACK``.
        max_curve_points: Passed to :meth:`PixelMetricAccumulator.compute`.
        per_frame_method: Also compute this method's AP frame by frame (in the first pass).

    Raises:
        ValueError: As raised by the accumulators (bad frame, no anomaly or normal pixel).
    """
    pixel = {method: PixelMetricAccumulator() for method in methods}
    frame_average_precision: dict[str, float] = {}
    for frame_id, scores, labels in frames():
        for method in methods:
            pixel[method].update(scores[method], labels)
        if per_frame_method is not None and (labels == 1).any() and (labels == 0).any():
            single = PixelMetricAccumulator()
            single.update(scores[per_frame_method], labels)
            frame_average_precision[frame_id] = single.compute(2).average_precision
    pixel_metrics = {method: pixel[method].compute(max_curve_points) for method in methods}
    components = {
        method: ComponentMetricAccumulator(pixel_metrics[method].best_f1_threshold, track)
        for method in methods
    }
    for _, scores, labels in frames():
        for method in methods:
            components[method].update(scores[method], labels)
    results = {
        method: AnomalyMetrics(pixel_metrics[method], components[method].compute())
        for method in methods
    }
    return DatasetMetrics(results, frame_average_precision)


def evaluate_frames(
    frames: Iterable[Frame],
    track: ComponentTrack,
    component_threshold: float | None = None,
    max_curve_points: int | None = 2048,
) -> AnomalyMetrics:
    """Compute every metric of one method over ``(scores, labels)`` frames.

    With ``component_threshold=None`` this is :func:`evaluate_methods`' two-pass protocol, so
    ``frames`` must be re-iterable (a list, or an object whose ``__iter__`` starts over); with an
    explicit threshold a single pass suffices and any iterable works.

    Args:
        frames: ``(scores [H, W], labels [H, W])`` pairs; labels 1 = anomaly, 0 = normal, others
            ignored. All scores share one dtype.
        track: Component size filters, e.g. ``ANOMALY_TRACK`` or ``OBSTACLE_TRACK``.
        component_threshold: Pixel threshold of the component metrics; ``None`` = best-F1 one.
        max_curve_points: Passed to :meth:`PixelMetricAccumulator.compute`.

    Raises:
        TypeError: If two passes are needed but ``frames`` is a one-shot iterator.
        ValueError: As raised by the accumulators (bad frame, no anomaly or normal pixel).
    """
    if component_threshold is None:
        if iter(frames) is frames:
            raise TypeError(
                "frames is a one-shot iterator, but the component metrics need a second pass at "
                "the best-F1 threshold; pass a list or re-iterable collection, or set "
                "component_threshold"
            )

        def named() -> Iterable[MethodsFrame]:
            return (("", {"scores": scores}, labels) for scores, labels in frames)

        return evaluate_methods(named, ("scores",), track, max_curve_points).methods["scores"]
    pixel_accumulator = PixelMetricAccumulator()
    component_accumulator = ComponentMetricAccumulator(component_threshold, track)
    for scores, labels in frames:
        pixel_accumulator.update(scores, labels)
        component_accumulator.update(scores, labels)
    return AnomalyMetrics(
        pixel_accumulator.compute(max_curve_points), component_accumulator.compute()
    )
