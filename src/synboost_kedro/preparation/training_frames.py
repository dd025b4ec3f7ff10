"""One Cityscapes frame → one dissimilarity training frame (swapped labels + anomaly mask)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synboost_kedro.cityscapes import label_ids_to_train_ids
from synboost_kedro.frames import CityscapesFrame, ProcessedFrame
from synboost_kedro.preparation.frame_seed import frame_rng
from synboost_kedro.preparation.label_swap import (
    ORIGINAL_REPLACEMENT_LABEL_IDS,
    SwappedLabels,
    check_replacement_label_ids,
    swap_instance_labels,
)
from synboost_kedro.preparation.void import anomaly_mask


@dataclass(frozen=True)
class SwapSettings:
    """How training anomalies are made.

    Attributes:
        seed: Global seed; each frame draws from ``frame_rng(seed, frame_id)``.
        replacement_label_ids: Weighted list new instance classes are drawn from.
        void_label_ids: Void label ids whose pixels are anomalies too.
        ignore_void: Mark the other void pixels 255 (ignored by the loss).
        swap_instances: Swap instance labels; without it the void objects are the only
            anomalies (the ablation "without label swapping").
    """

    seed: int
    replacement_label_ids: tuple[int, ...] = ORIGINAL_REPLACEMENT_LABEL_IDS
    void_label_ids: tuple[int, ...] = ()
    ignore_void: bool = False
    swap_instances: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "replacement_label_ids", check_replacement_label_ids(self.replacement_label_ids)
        )


def make_training_frame(frame: CityscapesFrame, settings: SwapSettings) -> ProcessedFrame:
    """Swap the labels of some of ``frame``'s instances (unless ``settings.swap_instances`` is
    off) and mark them as anomalies.

    Returns:
        The unmodified image, the anomaly mask as ``label``, the modified label ids and their
        train ids (``semantic``, 255 = void), and the original instance ids (the synthesis
        network draws its instance edges from them).
    """
    if settings.swap_instances:
        swapped = swap_instance_labels(
            frame.label_ids,
            frame.instance_ids,
            frame_rng(settings.seed, frame.frame_id),
            settings.replacement_label_ids,
        )
    else:
        swapped = SwappedLabels(frame.label_ids, np.zeros(frame.label_ids.shape, bool), {})
    return ProcessedFrame(
        frame.frame_id,
        image=frame.image,
        label=anomaly_mask(
            swapped.changed, swapped.label_ids, settings.void_label_ids, settings.ignore_void
        ),
        semantic=label_ids_to_train_ids(swapped.label_ids),
        label_ids=swapped.label_ids,
        instance_ids=frame.instance_ids,
    )
