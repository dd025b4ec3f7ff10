"""Data preparation without Kedro: training anomalies by label swapping, void handling, and
converters from each benchmark's labels to the common 1 / 0 / 255 mask."""

from synboost_kedro.preparation.benchmark_labels import (
    LABEL_FORMATS,
    RawBenchmarkFrame,
    check_raw_label,
    label_format,
    to_anomaly_frame,
)
from synboost_kedro.preparation.frame_seed import frame_rng
from synboost_kedro.preparation.label_swap import (
    ORIGINAL_REPLACEMENT_LABEL_IDS,
    SwappedLabels,
    swap_instance_labels,
)
from synboost_kedro.preparation.training_frames import SwapSettings, make_training_frame
from synboost_kedro.preparation.void import VOID_OBJECT_PRESETS, anomaly_mask, void_object_label_ids

__all__ = [
    "LABEL_FORMATS",
    "ORIGINAL_REPLACEMENT_LABEL_IDS",
    "VOID_OBJECT_PRESETS",
    "RawBenchmarkFrame",
    "SwapSettings",
    "SwappedLabels",
    "anomaly_mask",
    "check_raw_label",
    "frame_rng",
    "label_format",
    "make_training_frame",
    "swap_instance_labels",
    "to_anomaly_frame",
    "void_object_label_ids",
]
