"""The Cityscapes label table, from ``cityscapesscripts`` so ids and colours match the benchmark.

Label ids (0..33, -1 for license plate) are what ``gtFine_labelIds.png`` stores and what the
synthesis network consumes; train ids (0..18, 255 = ignore) are what segmentation predicts
and what the dissimilarity network's semantic input uses.
"""

from __future__ import annotations

import numpy as np
from cityscapesscripts.helpers.labels import labels as _CITYSCAPES_LABELS

IGNORE_TRAIN_ID = 255
NUM_TRAIN_IDS = 19
NUM_LABEL_IDS = 34
#: The synthesis network's "unknown" channel (label_nc of the original CC-FPSE config).
SYNTHESIS_UNKNOWN_LABEL_ID = 35

_VALID_LABELS = [label for label in _CITYSCAPES_LABELS if 0 <= label.id < NUM_LABEL_IDS]

LABEL_NAMES: dict[int, str] = {label.id: label.name for label in _VALID_LABELS}
LABEL_ID_BY_NAME: dict[str, int] = {label.name: label.id for label in _VALID_LABELS}
INSTANCE_LABEL_IDS: frozenset[int] = frozenset(
    label.id for label in _VALID_LABELS if label.hasInstances
)
TRAIN_ID_NAMES: tuple[str, ...] = tuple(
    next(lb.name for lb in _VALID_LABELS if lb.trainId == train_id)
    for train_id in range(NUM_TRAIN_IDS)
)

LABEL_TO_TRAIN_ID = np.full(256, IGNORE_TRAIN_ID, dtype=np.uint8)
LABEL_COLOURS = np.zeros((256, 3), dtype=np.uint8)
for _label in _VALID_LABELS:
    LABEL_TO_TRAIN_ID[_label.id] = _label.trainId if 0 <= _label.trainId < 255 else 255
    LABEL_COLOURS[_label.id] = _label.color

TRAIN_TO_LABEL_ID = np.full(256, 0, dtype=np.uint8)
TRAIN_ID_COLOURS = np.zeros((256, 3), dtype=np.uint8)
for _train_id in range(NUM_TRAIN_IDS):
    _label = next(lb for lb in _VALID_LABELS if lb.trainId == _train_id)
    TRAIN_TO_LABEL_ID[_train_id] = _label.id
    TRAIN_ID_COLOURS[_train_id] = _label.color
TRAIN_TO_LABEL_ID[IGNORE_TRAIN_ID] = SYNTHESIS_UNKNOWN_LABEL_ID


def label_ids_to_train_ids(label_ids: np.ndarray) -> np.ndarray:
    """Map a label-id map to train ids (void classes become 255)."""
    return LABEL_TO_TRAIN_ID[label_ids.astype(np.uint8, copy=False)]


def colourise_label_ids(label_ids: np.ndarray) -> np.ndarray:
    """The ``gtFine_color.png`` rendering of a label-id map, ``[H, W, 3]`` uint8."""
    return LABEL_COLOURS[label_ids.astype(np.uint8, copy=False)]


def colourise_train_ids(train_ids: np.ndarray) -> np.ndarray:
    """Colour a train-id map with the 19-class Cityscapes palette (255 is black)."""
    return TRAIN_ID_COLOURS[train_ids.astype(np.uint8, copy=False)]


def invalid_label_ids(label_ids: np.ndarray) -> np.ndarray:
    """The sorted values of ``label_ids`` that are not Cityscapes label ids."""
    values = np.unique(label_ids)
    return values[(values < 0) | (values >= NUM_LABEL_IDS)]
