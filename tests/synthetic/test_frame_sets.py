import numpy as np
import pytest

from synboost_kedro.synthetic import (
    anomaly_set_frames,
    cityscapes_split_frames,
    render_anomaly_frame,
    render_cityscapes_frame,
)
from synboost_kedro.synthetic.frame_sets import ANOMALY_RENDERERS, frame_seed

CITIES = ("synthberg", "polygonstadt", "rasterfeld")


# Computed before the scheme moved out of the pipeline nodes; a change here silently changes every
# generated dataset.
@pytest.mark.parametrize(
    ("stream", "index", "expected"),
    [
        ("train", 0, 401918031),
        ("train", 10, 1543498568),
        ("val", 3, 3684841200),
        ("lost_and_found", 0, 75879131),
        ("road_anomaly", 5, 2669990572),
        ("photo_objects", 1, 2480130098),
        ("procedural_objects", 15, 2896548187),
    ],
)
def test_frame_seeds_are_pinned(stream, index, expected):
    assert frame_seed(2021, stream, index) == expected


def test_cityscapes_frame_ids_are_pinned():
    frames = cityscapes_split_frames(
        "train", seed=2021, height=64, width=128, frames=11, cities=CITIES
    )
    assert list(frames)[:3] == [
        "synthberg_000000_000019",
        "polygonstadt_000000_000020",
        "rasterfeld_000000_000021",
    ]
    assert list(frames)[6:] == [
        "synthberg_000002_000025",
        "polygonstadt_000002_000019",
        "rasterfeld_000002_000020",
        "synthberg_000003_000021",
        "polygonstadt_000003_000022",
    ]


def test_anomaly_frame_ids_are_pinned():
    frames = anomaly_set_frames("road_anomaly", seed=2021, height=64, width=128, frames=16)
    assert list(frames)[::5] == [f"road_anomaly_{index:04d}" for index in (0, 5, 10, 15)]


def test_each_frame_renders_from_its_own_seed():
    [(frame_id, render)] = list(
        cityscapes_split_frames(
            "val", seed=2021, height=64, width=128, frames=4, cities=("voxelhausen",)
        ).items()
    )[3:]
    expected = render_cityscapes_frame(frame_id, 64, 128, 3684841200)
    np.testing.assert_array_equal(render().image, expected.image)

    frame_id, render = list(
        anomaly_set_frames("road_anomaly", seed=2021, height=64, width=128, frames=6).items()
    )[5]
    expected = render_anomaly_frame(frame_id, 64, 128, 2669990572, "road_anomaly")
    np.testing.assert_array_equal(render().mask, expected.mask)


def test_more_frames_in_one_set_leave_the_others_unchanged():
    def ids_and_images(split, frames):
        rendered = cityscapes_split_frames(
            split, seed=3, height=32, width=64, frames=frames, cities=CITIES
        )
        return [(frame_id, render().image) for frame_id, render in rendered.items()]

    few, more = ids_and_images("train", 2), ids_and_images("train", 5)
    for (id_few, image_few), (id_more, image_more) in zip(few, more[:2], strict=True):
        assert id_few == id_more
        np.testing.assert_array_equal(image_few, image_more)
    assert frame_seed(3, "val", 0) != frame_seed(3, "train", 0)


def test_every_anomaly_set_has_a_stream_of_its_own():
    seeds = {frame_seed(0, style, 0) for style in ANOMALY_RENDERERS}
    seeds |= {frame_seed(0, split, 0) for split in ("train", "val")}
    assert len(seeds) == len(ANOMALY_RENDERERS) + 2
