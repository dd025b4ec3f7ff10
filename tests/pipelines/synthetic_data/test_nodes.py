from typing import Any

import pytest

from synboost_kedro.pipelines.synthetic_data.nodes import (
    generate_anomaly_set,
    generate_cityscapes_split,
)
from synboost_kedro.synthetic import anomaly_set_frames, cityscapes_split_frames

PARAMS: dict[str, Any] = {
    "seed": 7,
    "height": 32,
    "width": 64,
    "train_frames": 3,
    "train_cities": ["synthberg", "polygonstadt"],
    "anomaly_frames": 2,
    "void_objects": 2,
}


def test_split_node_returns_the_library_frame_set():
    frames = generate_cityscapes_split(PARAMS, "train")
    expected = cityscapes_split_frames(
        "train",
        seed=7,
        height=32,
        width=64,
        frames=3,
        cities=PARAMS["train_cities"],
        void_objects=2,
    )
    assert list(frames) == list(expected)
    assert [render.args for render in frames.values()] == [
        render.args for render in expected.values()
    ]


def test_anomaly_node_returns_the_library_frame_set():
    frames = generate_anomaly_set(PARAMS, "lost_and_found")
    expected = anomaly_set_frames("lost_and_found", seed=7, height=32, width=64, frames=2)
    assert list(frames) == list(expected)
    assert [render.args for render in frames.values()] == [
        render.args for render in expected.values()
    ]


@pytest.mark.parametrize(("key", "value"), [("height", 0), ("width", "64"), ("anomaly_frames", -1)])
def test_anomaly_node_rejects_non_positive_sizes(key, value):
    with pytest.raises(ValueError, match=f"synthetic_data.{key} must be a positive integer"):
        generate_anomaly_set({**PARAMS, key: value}, "road_anomaly")


def test_split_node_rejects_a_zero_frame_count():
    with pytest.raises(ValueError, match="synthetic_data.train_frames"):
        generate_cityscapes_split({**PARAMS, "train_frames": 0}, "train")
