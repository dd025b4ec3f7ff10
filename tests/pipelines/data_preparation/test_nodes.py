from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from kedro.io.core import DatasetError
from PIL import Image

from synboost_kedro.datasets import CityscapesDataset, ProcessedDataset
from synboost_kedro.frames import AnomalyFrame, ProcessedFrame
from synboost_kedro.pipelines.data_preparation.nodes import (
    convert_benchmark_labels,
    swap_instance_labels,
    swap_settings,
)
from synboost_kedro.preparation import ORIGINAL_REPLACEMENT_LABEL_IDS, RawBenchmarkFrame
from tests.conftest import make_frame

PARAMS: dict[str, Any] = {
    "seed": 5,
    "replacement_label_ids": list(ORIGINAL_REPLACEMENT_LABEL_IDS),
    "void_objects": "dynamic",
    "ignore_void": True,
}


def test_settings_from_parameters():
    settings = swap_settings(PARAMS)
    assert (settings.seed, settings.void_label_ids, settings.ignore_void) == (5, (5,), True)
    assert settings.replacement_label_ids == ORIGINAL_REPLACEMENT_LABEL_IDS


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"seed": "5"}, r"data_preparation.seed: must be int, got '5'"),
        ({"seed": True}, r"data_preparation.seed: must be int"),
        ({"ignore_void": "yes"}, r"data_preparation.ignore_void: must be bool"),
        ({"void_objects": "all"}, r"data_preparation.void_objects: Unknown void-object preset"),
        (
            {"replacement_label_ids": [7, 99]},
            r"data_preparation.replacement_label_ids: .*\[99\] are not Cityscapes",
        ),
    ],
)
def test_bad_parameters_are_named(override: dict[str, Any], message: str):
    with pytest.raises(ValueError, match=message):
        swap_settings({**PARAMS, **override})


def test_missing_parameter_is_named():
    params = {key: value for key, value in PARAMS.items() if key != "void_objects"}
    with pytest.raises(ValueError, match="data_preparation.void_objects: missing"):
        swap_settings(params)


def test_swap_node_is_lazy_and_independent_of_order_and_count():
    frame_ids = [f"testcity_000000_{index:06d}" for index in range(4)]
    calls: list[str] = []

    def loader(frame_id: str):
        def load():
            calls.append(frame_id)
            return make_frame(frame_id)

        return load

    forward = swap_instance_labels({i: loader(i) for i in frame_ids}, PARAMS)
    assert calls == []  # nothing is read until the dataset writes
    backward = swap_instance_labels({i: loader(i) for i in reversed(frame_ids[1:])}, PARAMS)
    for frame_id in frame_ids[1:]:
        first, second = forward[frame_id](), backward[frame_id]()
        assert isinstance(first, ProcessedFrame)
        np.testing.assert_array_equal(first.label, second.label)
        np.testing.assert_array_equal(first.label_ids, second.label_ids)


def test_convert_node_makes_common_benchmark_frames():
    image = np.zeros((2, 3, 3), np.uint8)
    raw = RawBenchmarkFrame("cones03", image, np.array([[0, 1, 2]] * 2, np.uint8), "road_anomaly")
    frames = convert_benchmark_labels({"cones03": lambda: raw})
    frame = frames["cones03"]()
    assert isinstance(frame, ProcessedFrame) and not isinstance(frame, AnomalyFrame)
    np.testing.assert_array_equal(frame.label, [[0, 0, 1]] * 2)
    assert frame.image is image and frame.semantic is None


def test_bad_frame_stops_the_save_naming_its_file_and_leaves_no_partial_file(tmp_path: Path):
    cityscapes = CityscapesDataset(str(tmp_path / "cityscapes"), "train")
    frame_ids = [f"testcity_000000_{index:06d}" for index in range(3)]
    cityscapes.save({frame_id: make_frame(frame_id) for frame_id in frame_ids})
    bad_label = tmp_path / f"cityscapes/gtFine/train/testcity/{frame_ids[1]}_gtFine_labelIds.png"
    Image.fromarray(np.zeros((5, 16), np.uint8)).save(bad_label)
    output = ProcessedDataset(str(tmp_path / "out"), ["image", "label", "semantic"], overwrite=True)
    with pytest.raises(DatasetError, match=f"{bad_label.name}' is 16x5 but its image"):
        output.save(swap_instance_labels(cityscapes.load(), PARAMS))
    assert output.stored_frame_ids() == {frame_ids[0]}
    assert not list((tmp_path / "out").rglob(f"*{frame_ids[1]}*"))
    assert not list((tmp_path / "out").rglob("*.tmp*"))
