"""Void objects as extra anomalies, and void pixels as ignore regions (docs/method.md, "Void
handling").

The original's ``include_void_to_labels`` added 255 to a uint8 mask and kept only pixels equal
to 255, so ``1 + 255`` wrapped to 0 and erased the swapped anomalies. Here masks are combined
with boolean operations: an anomaly stays an anomaly whatever else is marked.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from synboost_kedro.cityscapes import IGNORE_TRAIN_ID, label_ids_to_train_ids
from synboost_kedro.frames import ANOMALY, IGNORE, NORMAL

#: Named sets of void label ids whose pixels become anomalies.
VOID_OBJECT_PRESETS: dict[str, tuple[int, ...]] = {
    "none": (),
    # The released code's lists: ``labels_with_void_no_ego`` (what the shipped "ours" model was
    # trained with) and ``labels_with_void``.
    "dynamic": (5,),
    "static": (4,),
    # The lists of the code's earlier versions, left in its comments.
    "void_no_ego": (0, 2, 3, 4, 29, 30),
    "void_with_ego": (0, 1, 2, 3, 4, 29, 30),
}


def void_object_label_ids(preset: str) -> tuple[int, ...]:
    """The label ids of a :data:`VOID_OBJECT_PRESETS` entry.

    Raises:
        ValueError: ``preset`` is not a known name.
    """
    if preset not in VOID_OBJECT_PRESETS:
        raise ValueError(
            f"Unknown void-object preset '{preset}'; choose one of {sorted(VOID_OBJECT_PRESETS)}"
        )
    return VOID_OBJECT_PRESETS[preset]


def anomaly_mask(
    changed: np.ndarray,
    label_ids: np.ndarray,
    void_label_ids: Sequence[int] = (),
    ignore_void: bool = False,
) -> np.ndarray:
    """The uint8 training label of one frame.

    Args:
        changed: ``[H, W]`` bool, the swapped-instance pixels.
        label_ids: ``[H, W]`` label ids after swapping.
        void_label_ids: Label ids whose pixels are anomalies too.
        ignore_void: Mark the remaining void pixels (train id 255) as ignore (255), as the
            original's ``update_labels_to_ignore_void``; they are then left out of the loss.

    Returns:
        ``[H, W]`` uint8: 1 on anomalies, 255 on ignored void, 0 elsewhere.
    """
    anomalous = changed | np.isin(label_ids, np.asarray(void_label_ids, dtype=label_ids.dtype))
    mask = np.full(label_ids.shape, NORMAL, dtype=np.uint8)
    if ignore_void:
        mask[label_ids_to_train_ids(label_ids) == IGNORE_TRAIN_ID] = IGNORE
    mask[anomalous] = ANOMALY
    return mask
