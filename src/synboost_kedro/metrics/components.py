"""SegmentMeIfYouCan component-level metrics (sIoU, PPV, mean F1), accumulated per frame.

Follows ``road_anomaly_benchmark/metrics/instance_segmentation.py`` (the default instancer and
``segment_metrics``), computed from a sparse overlap table of components instead of one full-image
pass per component:

1. The prediction is ``score >= threshold`` (the pixel-metric operating point of that threshold),
   zeroed on ignored pixels. The official code binarises with ``>`` against the edge of a score
   bin; with exact thresholds ``>=`` is what selects the best-F1 operating point.
2. Anomaly ground truth and prediction are split into 8-connected components.
3. Predicted components smaller than ``min_prediction_size`` pixels are deleted; ground-truth
   components smaller than ``min_ground_truth_size`` become ignored pixels.
4. Only pixels outside the ignore region are scored:

   - sIoU of a ground-truth component K = |K ∩ P| / (|K| + |P \\ GT|), with P the predicted
     components touching K: their pixels on *other* ground-truth components are not counted
     as union (the "adjusted union").
   - PPV of a predicted component = fraction of its pixels on any ground-truth component.
   - For each τ in 0.25, 0.30, ..., 0.75: TP = #GT components with sIoU >= τ, FN = the others,
     FP = #predicted components with PPV < τ, all summed over the dataset;
     F1(τ) = 2TP / (2TP + FN + FP). The mean F1 averages F1(τ) over the 11 values of τ.
   - The reported sIoU and PPV are means over all components of the dataset.

Label 1 is anomaly, 0 normal; every other value is ignored (the official code ignores only 255).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from synboost_kedro.frames import ANOMALY, NORMAL
from synboost_kedro.metrics.inputs import validate_frame

#: The sIoU / PPV thresholds τ of the official F1.
SIOU_THRESHOLDS = np.linspace(0.25, 0.75, 11)
_EIGHT_CONNECTED = np.ones((3, 3), dtype=bool)


@dataclass(frozen=True)
class ComponentTrack:
    """Minimum component sizes of a SegmentMeIfYouCan track.

    Attributes:
        name: Track name, for reports.
        min_prediction_size: Predicted components with fewer pixels are deleted.
        min_ground_truth_size: Ground-truth components with fewer pixels are ignored.
    """

    name: str
    min_prediction_size: int
    min_ground_truth_size: int


ANOMALY_TRACK = ComponentTrack("anomaly", min_prediction_size=500, min_ground_truth_size=100)
OBSTACLE_TRACK = ComponentTrack("obstacle", min_prediction_size=50, min_ground_truth_size=10)


@dataclass(frozen=True, eq=False)
class ComponentMetrics:
    """Component-level metrics of a whole dataset.

    Attributes:
        mean_siou: Mean sIoU over all ground-truth components (NaN if there are none).
        mean_ppv: Mean PPV over all predicted components (NaN if there are none).
        mean_f1: Mean of ``f1_per_threshold`` (NaN if there are no components at all).
        f1_per_threshold: F1 at each τ of ``siou_thresholds``.
        siou_thresholds: The thresholds τ.
        siou_per_component: sIoU of every ground-truth component, in frame order.
        ppv_per_component: PPV of every predicted component, in frame order.
        pixel_threshold: Score threshold that binarised the prediction.
        track: Size filters used.
    """

    mean_siou: float
    mean_ppv: float
    mean_f1: float
    f1_per_threshold: np.ndarray
    siou_thresholds: np.ndarray
    siou_per_component: np.ndarray
    ppv_per_component: np.ndarray
    pixel_threshold: float
    track: ComponentTrack

    def scalars(self) -> dict[str, float]:
        """The scalar metrics by name, e.g. for logging to MLflow."""
        return {"mean_siou": self.mean_siou, "mean_ppv": self.mean_ppv, "mean_f1": self.mean_f1}


class ComponentMetricAccumulator:
    """Collects per-component sIoU and PPV frame by frame at a fixed pixel threshold.

    Args:
        pixel_threshold: Pixels with ``score >= pixel_threshold`` are predicted anomalous; use
            ``PixelMetrics.best_f1_threshold`` for the official protocol.
        track: Size filters, e.g. ``ANOMALY_TRACK`` or ``OBSTACLE_TRACK``.
    """

    def __init__(self, pixel_threshold: float, track: ComponentTrack) -> None:
        if np.isnan(pixel_threshold):
            raise ValueError("pixel_threshold must not be NaN")
        self.pixel_threshold = pixel_threshold
        self.track = track
        self.num_frames = 0
        self._siou: list[np.ndarray] = []
        self._ppv: list[np.ndarray] = []

    def update(self, scores: np.ndarray, labels: np.ndarray) -> None:
        """Add one frame.

        Args:
            scores: ``[H, W]`` anomaly scores, any real dtype, no NaN.
            labels: ``[H, W]`` integer or bool mask: 1 = anomaly, 0 = normal, other values ignored.

        Raises:
            TypeError: If a dtype is unusable.
            ValueError: If the frame is not 2-D, the shapes differ or the scores contain NaN.
        """
        scores, labels = np.asarray(scores), np.asarray(labels)
        validate_frame(scores, labels, self.num_frames)
        if scores.ndim != 2:
            raise ValueError(
                f"frame {self.num_frames}: component metrics need 2-D maps, "
                f"got shape {scores.shape}"
            )
        siou, ppv = _frame_component_scores(scores, labels, self.pixel_threshold, self.track)
        self._siou.append(siou)
        self._ppv.append(ppv)
        self.num_frames += 1

    def compute(self) -> ComponentMetrics:
        """Metrics over every frame added so far (NaN where no component exists, see attributes)."""
        siou = np.concatenate(self._siou) if self._siou else np.empty(0)
        ppv = np.concatenate(self._ppv) if self._ppv else np.empty(0)
        tau = SIOU_THRESHOLDS[:, None]
        true_positives = np.sum(siou >= tau, axis=1)
        false_negatives = siou.size - true_positives
        false_positives = np.sum(ppv < tau, axis=1)
        denominator = 2 * true_positives + false_negatives + false_positives
        f1 = np.divide(
            2.0 * true_positives,
            denominator,
            out=np.full(SIOU_THRESHOLDS.size, np.nan),
            where=denominator > 0,
        )
        return ComponentMetrics(
            mean_siou=_mean_or_nan(siou),
            mean_ppv=_mean_or_nan(ppv),
            mean_f1=float(np.mean(f1)),
            f1_per_threshold=f1,
            siou_thresholds=SIOU_THRESHOLDS.copy(),
            siou_per_component=siou,
            ppv_per_component=ppv,
            pixel_threshold=float(self.pixel_threshold),
            track=self.track,
        )


def _mean_or_nan(values: np.ndarray) -> float:
    return float(np.mean(values)) if values.size else float("nan")


def _frame_component_scores(
    scores: np.ndarray, labels: np.ndarray, pixel_threshold: float, track: ComponentTrack
) -> tuple[np.ndarray, np.ndarray]:
    """sIoU of each ground-truth component and PPV of each predicted component of one frame."""
    ignored = (labels != ANOMALY) & (labels != NORMAL)
    ground_truth, _ = ndimage.label(labels == ANOMALY, structure=_EIGHT_CONNECTED)
    prediction, num_predicted = ndimage.label(
        # A strong float64 threshold keeps the comparison exact for float16 and integer scores.
        (scores >= np.float64(pixel_threshold)) & ~ignored,
        structure=_EIGHT_CONNECTED,
    )
    _erase_small_components(prediction, track.min_prediction_size)
    small_ground_truth = _small_component_ids(ground_truth, track.min_ground_truth_size)
    scored = ~ignored & ~small_ground_truth[ground_truth]

    gt_ids, predicted_ids, overlap = _overlap_table(
        ground_truth[scored], prediction[scored], num_predicted
    )
    on_background = gt_ids == 0
    predicted_size = np.bincount(predicted_ids, weights=overlap, minlength=num_predicted + 1)
    predicted_off_ground_truth = np.bincount(
        predicted_ids[on_background], weights=overlap[on_background], minlength=num_predicted + 1
    )
    num_gt = int(gt_ids.max(initial=0))
    gt_size = np.bincount(gt_ids, weights=overlap, minlength=num_gt + 1)
    hit = (gt_ids > 0) & (predicted_ids > 0)
    intersection = np.bincount(gt_ids[hit], weights=overlap[hit], minlength=num_gt + 1)
    # Pixels of the touching predictions that lie on no ground truth enlarge the union; those on
    # other ground-truth components do not (the official "adjusted union").
    extra_union = np.bincount(
        gt_ids[hit], weights=predicted_off_ground_truth[predicted_ids[hit]], minlength=num_gt + 1
    )
    scored_gt = np.unique(gt_ids[gt_ids > 0])
    scored_predicted = np.unique(predicted_ids[predicted_ids > 0])
    siou = intersection[scored_gt] / (gt_size[scored_gt] + extra_union[scored_gt])
    ppv = 1.0 - predicted_off_ground_truth[scored_predicted] / predicted_size[scored_predicted]
    return siou, ppv


def _small_component_ids(components: np.ndarray, min_size: int) -> np.ndarray:
    """Boolean lookup by component id: True for components (not background) below ``min_size``."""
    small = np.bincount(components.ravel()) < min_size
    small[0] = False
    return small


def _erase_small_components(components: np.ndarray, min_size: int) -> None:
    components[_small_component_ids(components, min_size)[components]] = 0


def _overlap_table(
    gt_ids: np.ndarray, predicted_ids: np.ndarray, num_predicted: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse contingency table: distinct (ground-truth id, predicted id) pairs and pixel counts,
    over pixels on at least one component (id 0 = none)."""
    on_component = (gt_ids > 0) | (predicted_ids > 0)
    pair_keys = (
        gt_ids[on_component].astype(np.int64) * (num_predicted + 1) + predicted_ids[on_component]
    )
    keys, overlap = np.unique(pair_keys, return_counts=True)
    gt_of_pair, predicted_of_pair = np.divmod(keys, num_predicted + 1)
    return gt_of_pair, predicted_of_pair, overlap.astype(np.float64)
