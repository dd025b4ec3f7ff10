"""Synthetic training anomalies by instance label swapping (docs/method.md, "Training anomalies by
label swapping").

A random number of instances (ids ``classId * 1000 + k``) take another class, drawn from a
weighted replacement list; the drawn class is redrawn while it equals the instance's own. The
image is left untouched, so an anomaly is where the image and the semantic layout disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from synboost_kedro.cityscapes import LABEL_NAMES, LABEL_TO_TRAIN_ID

#: The original's "optimized" replacement list; repetitions act as weights (road ×3, person ×3,
#: car ×7, one each of sidewalk, building, wall, fence, traffic sign, vegetation, terrain, rider,
#: truck, bus, motorcycle, bicycle).
ORIGINAL_REPLACEMENT_LABEL_IDS: tuple[int, ...] = (
    (7,) * 3 + (8, 11, 12, 13, 20, 21, 22) + (24,) * 3 + (25,) + (26,) * 7 + (27, 28, 32, 33)
)

# Instance ids with exactly five decimal digits are ``classId * 1000 + k`` of classes 10..99.
_FIRST_INSTANCE_ID, _LAST_INSTANCE_ID = 10_000, 99_999
_INSTANCE_ID_FACTOR = 1000


@dataclass(frozen=True)
class SwappedLabels:
    """The outcome of swapping one frame's instance labels.

    Attributes:
        label_ids: ``[H, W]`` uint8 label ids with the swapped instances relabelled.
        changed: ``[H, W]`` bool, True on the pixels of swapped instances.
        swaps: ``{instance_id: new_label_id}`` in the order the swaps were drawn.
    """

    label_ids: np.ndarray
    changed: np.ndarray
    swaps: dict[int, int]


def check_replacement_label_ids(replacement_label_ids: Sequence[int]) -> tuple[int, ...]:
    """Validate a replacement list: non-empty Cityscapes label ids that have a train id.

    Raises:
        ValueError: naming the offending entries.
    """
    ids = tuple(int(value) for value in replacement_label_ids)
    if not ids:
        raise ValueError("The replacement label-id list is empty")
    unknown = sorted({value for value in ids if value not in LABEL_NAMES})
    if unknown:
        raise ValueError(f"Replacement label ids {unknown} are not Cityscapes label ids")
    void = sorted({value for value in ids if LABEL_TO_TRAIN_ID[value] == 255})
    if void:
        raise ValueError(
            f"Replacement label ids {void} ({[LABEL_NAMES[v] for v in void]}) are void classes; "
            "a swapped instance must take a class the dissimilarity network knows"
        )
    return ids


def swap_candidates(instance_ids: np.ndarray) -> np.ndarray:
    """The sorted instance ids eligible for swapping (exactly five decimal digits)."""
    values = np.unique(instance_ids)
    return values[(values >= _FIRST_INSTANCE_ID) & (values <= _LAST_INSTANCE_ID)]


def draw_replacement(
    own_label_id: int, replacement_label_ids: Sequence[int], rng: np.random.Generator
) -> int:
    """Draw uniformly from ``replacement_label_ids``, again while the draw equals ``own_label_id``.

    Raises:
        ValueError: every entry equals ``own_label_id``, so the redraw would never end.
    """
    if all(value == own_label_id for value in replacement_label_ids):
        raise ValueError(
            f"The replacement list holds only label id {own_label_id}, the instance's own class"
        )
    drawn = own_label_id
    while drawn == own_label_id:
        drawn = int(replacement_label_ids[rng.integers(len(replacement_label_ids))])
    return drawn


def swap_instance_labels(
    label_ids: np.ndarray,
    instance_ids: np.ndarray,
    rng: np.random.Generator,
    replacement_label_ids: Sequence[int] = ORIGINAL_REPLACEMENT_LABEL_IDS,
) -> SwappedLabels:
    """Relabel ``floor(U * N)`` of the frame's ``N`` instances, ``U ~ Uniform[0, 1)``.

    Instances are drawn uniformly without replacement; each takes a class from
    :func:`draw_replacement`. With ``U * N < 1`` nothing changes, as in the original.

    Args:
        label_ids: ``[H, W]`` Cityscapes label ids.
        instance_ids: ``[H, W]`` instance ids of the same frame.
        rng: The frame's generator (see :func:`~synboost_kedro.preparation.frame_seed.frame_rng`).
        replacement_label_ids: The weighted list new classes are drawn from.

    Returns:
        The modified label ids, the changed-pixel mask and the swaps made.

    Raises:
        ValueError: the maps differ in size.
    """
    if label_ids.shape != instance_ids.shape:
        raise ValueError(
            f"Label map {label_ids.shape} and instance map {instance_ids.shape} differ in size"
        )
    candidates = swap_candidates(instance_ids)
    how_many = int(np.floor(rng.random() * len(candidates)))
    chosen = rng.choice(candidates, size=how_many, replace=False) if how_many else []
    swapped = label_ids.astype(np.uint8, copy=True)
    changed = np.zeros(label_ids.shape, dtype=bool)
    swaps: dict[int, int] = {}
    for instance_id in chosen:
        new_label_id = draw_replacement(
            int(instance_id) // _INSTANCE_ID_FACTOR, replacement_label_ids, rng
        )
        pixels = instance_ids == instance_id
        swapped[pixels] = new_label_id
        changed |= pixels
        swaps[int(instance_id)] = new_label_id
    return SwappedLabels(swapped, changed, swaps)
