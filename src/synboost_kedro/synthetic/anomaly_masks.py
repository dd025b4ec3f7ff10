"""The anomaly masks of the two benchmark conventions, from a frame's label ids and anomaly pixels.

* ``lost_and_found`` (Fishyscapes Lost & Found): 1 on anomaly pixels, 0 on the road (the region of
  interest), 255 everywhere else.
* ``road_anomaly`` (SegmentMeIfYouCan RoadAnomaly21): 1 on anomaly pixels, 0 elsewhere, and 255 on
  a ``BOUNDARY_VOID_PX``-wide band just outside each anomaly, standing in for the benchmark's
  uncertain annotations along object outlines.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import ndimage

from synboost_kedro.frames import ANOMALY, IGNORE, NORMAL
from synboost_kedro.synthetic.palette import ROAD

BOUNDARY_VOID_PX = 2


def lost_and_found_mask(label_ids: np.ndarray, anomaly: np.ndarray) -> np.ndarray:
    """The ``lost_and_found`` mask; also used by ``pasted_objects.py``."""
    mask = np.full(label_ids.shape, IGNORE, dtype=np.uint8)
    mask[label_ids == ROAD] = NORMAL
    mask[anomaly] = ANOMALY
    return mask


def _road_anomaly_mask(label_ids: np.ndarray, anomaly: np.ndarray) -> np.ndarray:
    mask = np.full(label_ids.shape, NORMAL, dtype=np.uint8)
    mask[ndimage.binary_dilation(anomaly, iterations=BOUNDARY_VOID_PX)] = IGNORE
    mask[anomaly] = ANOMALY
    return mask


MASKERS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "lost_and_found": lost_and_found_mask,
    "road_anomaly": _road_anomaly_mask,
}
