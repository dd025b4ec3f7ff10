from __future__ import annotations

import numpy as np
import pytest

from synboost_kedro.cityscapes import LABEL_ID_BY_NAME
from synboost_kedro.preparation import VOID_OBJECT_PRESETS, anomaly_mask, void_object_label_ids

ROAD, CAR = LABEL_ID_BY_NAME["road"], LABEL_ID_BY_NAME["car"]
DYNAMIC, STATIC, EGO = (LABEL_ID_BY_NAME[name] for name in ("dynamic", "static", "ego vehicle"))


def _labels() -> tuple[np.ndarray, np.ndarray]:
    """One row per kind of pixel: road, swapped car, dynamic, static, ego vehicle."""
    label_ids = np.array([[ROAD] * 3, [CAR] * 3, [DYNAMIC] * 3, [STATIC] * 3, [EGO] * 3], np.uint8)
    changed = np.zeros(label_ids.shape, dtype=bool)
    changed[1] = True
    return label_ids, changed


def test_swapped_pixels_only_by_default():
    label_ids, changed = _labels()
    expected = np.array([[0] * 3, [1] * 3, [0] * 3, [0] * 3, [0] * 3], np.uint8)
    np.testing.assert_array_equal(anomaly_mask(changed, label_ids), expected)


def test_void_objects_are_anomalies_and_swapped_ones_survive():
    """The original's uint8 overflow turned 1 + 255 into 0 and lost the swapped instances."""
    label_ids, changed = _labels()
    mask = anomaly_mask(changed, label_ids, void_object_label_ids("dynamic"))
    np.testing.assert_array_equal(mask[:, 0], [0, 1, 1, 0, 0])


def test_ignore_void_marks_other_void_pixels_255_but_never_an_anomaly():
    label_ids, changed = _labels()
    mask = anomaly_mask(changed, label_ids, void_object_label_ids("dynamic"), ignore_void=True)
    np.testing.assert_array_equal(mask[:, 0], [0, 1, 1, 255, 255])
    assert mask.dtype == np.uint8


def test_presets_hold_void_label_ids_only():
    assert VOID_OBJECT_PRESETS["void_with_ego"] == (0, 1, 2, 3, 4, 29, 30)
    assert set(VOID_OBJECT_PRESETS["void_no_ego"]) == set(VOID_OBJECT_PRESETS["void_with_ego"]) - {
        1
    }
    assert void_object_label_ids("none") == ()


def test_unknown_preset_is_refused():
    with pytest.raises(ValueError, match="Unknown void-object preset 'dynamics'"):
        void_object_label_ids("dynamics")
