"""Class weights of the anomaly cross-entropy, from the pixel frequencies of the training masks.

The original computes the ENet weights ``w_c = 1 / ln(c + f_c)`` from label maps drawn *with
replacement* and crashes when a mask holds 255 (docs/method.md, "Training" and "Known bugs of the
original" (row "Class-weight sampling")). Here every training mask is
counted once, void pixels are left out, and the result does not depend on a random draw.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from synboost_kedro.frames import ANOMALY, IGNORE, NORMAL

#: The ENet constant ``c`` of ``1 / ln(c + f)``; it bounds the largest weight at ``1 / ln(c)``.
ENET_OFFSET = 1.02
CLASS_NAMES = ("normal", "anomaly")


def count_label_pixels(masks: Iterable[np.ndarray]) -> np.ndarray:
    """Pixel counts ``[normal, anomaly]`` over anomaly masks; void (255) pixels are skipped.

    Args:
        masks: Integer masks with values 0 (normal), 1 (anomaly) or 255 (void).

    Raises:
        ValueError: a mask holds another value (the message gives the mask's position).
    """
    counts = np.zeros(len(CLASS_NAMES), dtype=np.int64)
    for position, mask in enumerate(masks):
        values = np.bincount(np.asarray(mask, dtype=np.int64).ravel(), minlength=IGNORE + 1)
        unexpected = np.flatnonzero(values)
        unexpected = unexpected[~np.isin(unexpected, (NORMAL, ANOMALY, IGNORE))]
        if unexpected.size:
            raise ValueError(
                f"Anomaly mask {position} holds values {unexpected.tolist()}; only "
                f"{NORMAL} (normal), {ANOMALY} (anomaly) and {IGNORE} (void) are allowed"
            )
        counts += values[[NORMAL, ANOMALY]]
    return counts


def enet_class_weights(counts: np.ndarray, offset: float = ENET_OFFSET) -> np.ndarray:
    """ENet weights ``1 / ln(offset + f_c)`` from per-class pixel counts.

    Args:
        counts: Pixel count of each class.
        offset: The constant ``c``; must exceed 1 so every weight is finite and positive.

    Raises:
        ValueError: ``offset`` is not above 1, or no pixel was counted.
    """
    if offset <= 1:
        raise ValueError(f"class_weight_offset must be greater than 1, got {offset}")
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum()
    if total <= 0:
        raise ValueError("No labelled (0 or 1) pixel in the training masks; cannot weight classes")
    return 1.0 / np.log(offset + counts / total)
