"""Validation of one ``(scores, labels)`` frame, shared by the pixel and component metrics."""

from __future__ import annotations

import numpy as np

from synboost_kedro.frames import ANOMALY, NORMAL


def validate_frame(scores: np.ndarray, labels: np.ndarray, frame_index: int) -> None:
    """Raise a clear error if a frame cannot be scored.

    Args:
        scores: Anomaly score map, any real dtype; higher means more anomalous.
        labels: Integer or bool mask of the same shape; ``1`` = anomaly, ``0`` = normal, any other
            value is ignored.
        frame_index: Position of the frame in the stream, used in error messages.

    Raises:
        TypeError: If a dtype is not usable.
        ValueError: If the shapes differ or the scores contain NaN.
    """
    where = f"frame {frame_index}"
    if scores.dtype.kind not in "biuf":
        raise TypeError(f"{where}: scores must be real numbers, got dtype {scores.dtype}")
    if labels.dtype.kind not in "biu":
        raise TypeError(
            f"{where}: labels must be an integer or bool mask "
            f"({ANOMALY} = anomaly, {NORMAL} = normal, other values ignored), "
            f"got dtype {labels.dtype}"
        )
    if scores.shape != labels.shape:
        raise ValueError(
            f"{where}: scores have shape {scores.shape} but labels have shape {labels.shape}"
        )
    if scores.dtype.kind == "f" and np.isnan(scores).any():
        raise ValueError(f"{where}: scores contain NaN; fill them before evaluation")


def split_by_label(scores: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flat scores of the anomaly pixels and of the normal pixels; all other labels are dropped."""
    return scores[labels == ANOMALY], scores[labels == NORMAL]
