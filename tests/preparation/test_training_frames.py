from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from synboost_kedro.cityscapes import LABEL_ID_BY_NAME, label_ids_to_train_ids
from synboost_kedro.frames import CityscapesFrame
from synboost_kedro.preparation import SwapSettings, make_training_frame
from tests.conftest import make_frame

CAR = LABEL_ID_BY_NAME["car"]


def _frame(frame_id: str = "testcity_000000_000019") -> CityscapesFrame:
    """``make_frame`` with a second car: one instance alone is never swapped (floor(U * 1) = 0)."""
    frame = make_frame(frame_id, height=8, width=16)
    label_ids, instance_ids = frame.label_ids.copy(), frame.instance_ids.copy()
    label_ids[-3:, 9:13] = CAR
    instance_ids[-3:, 9:13] = CAR * 1000 + 1
    return CityscapesFrame(frame_id, frame.image, label_ids, instance_ids)


def _swapping_settings(frame: CityscapesFrame) -> SwapSettings:
    return next(
        SwapSettings(seed)
        for seed in range(50)
        if make_training_frame(frame, SwapSettings(seed)).label.any()
    )


def test_training_frame_fields():
    frame = _frame()
    processed = make_training_frame(frame, _swapping_settings(frame))
    swapped = processed.label == 1
    assert swapped.sum() == 12  # exactly one of the two 3x4 cars
    swapped_ids = np.unique(frame.instance_ids[swapped])
    assert len(swapped_ids) == 1
    np.testing.assert_array_equal(swapped, frame.instance_ids == swapped_ids[0])
    assert processed.frame_id == frame.frame_id
    np.testing.assert_array_equal(processed.image, frame.image)
    np.testing.assert_array_equal(processed.instance_ids, frame.instance_ids)
    np.testing.assert_array_equal(processed.label_ids[~swapped], frame.label_ids[~swapped])
    assert len(np.unique(processed.label_ids[swapped])) == 1
    assert processed.label_ids[swapped][0] != CAR
    np.testing.assert_array_equal(processed.semantic, label_ids_to_train_ids(processed.label_ids))
    assert set(np.unique(processed.label)) == {0, 1}


def test_training_frame_is_deterministic_per_frame():
    frame = _frame()
    settings = _swapping_settings(frame)
    first, again = make_training_frame(frame, settings), make_training_frame(frame, settings)
    np.testing.assert_array_equal(again.label_ids, first.label_ids)
    np.testing.assert_array_equal(again.label, first.label)


def test_seed_and_frame_id_decide_the_draws():
    outcomes = {
        make_training_frame(_frame(f"c_000000_{i:06d}"), SwapSettings(1)).label.tobytes()
        for i in range(40)
    }
    # Per frame id: no swap, the first car, or the second car.
    assert len(outcomes) == 3


def test_void_settings_reach_the_label():
    frame = _frame()
    label_ids = frame.label_ids.copy()
    label_ids[0, :2] = (LABEL_ID_BY_NAME["unlabeled"], LABEL_ID_BY_NAME["dynamic"])
    frame = CityscapesFrame(frame.frame_id, frame.image, label_ids, frame.instance_ids)
    plain = make_training_frame(frame, SwapSettings(seed=0))
    marked = make_training_frame(frame, SwapSettings(0, void_label_ids=(5,), ignore_void=True))
    assert plain.label[0, :3].tolist() == [0, 0, 0]
    assert marked.label[0, :3].tolist() == [255, 1, 0]
    np.testing.assert_array_equal(marked.label[1:], plain.label[1:])


def test_without_swapping_only_void_objects_are_anomalies():
    frame = _frame()
    label_ids = frame.label_ids.copy()
    label_ids[0, :2] = LABEL_ID_BY_NAME["dynamic"]
    frame = CityscapesFrame(frame.frame_id, frame.image, label_ids, frame.instance_ids)
    settings = dataclasses.replace(_swapping_settings(frame), void_label_ids=(5,))

    void_only = make_training_frame(frame, dataclasses.replace(settings, swap_instances=False))

    assert make_training_frame(frame, settings).label.sum() > 2  # a car was swapped too
    assert np.argwhere(void_only.label == 1).tolist() == [[0, 0], [0, 1]]
    np.testing.assert_array_equal(void_only.label_ids, frame.label_ids)


def test_bad_replacement_list_is_refused_at_construction():
    with pytest.raises(ValueError, match="not Cityscapes label ids"):
        SwapSettings(seed=0, replacement_label_ids=(7, 40))
