"""The generated frame sets: their frame ids, per-frame seeds and renderers, rendered lazily.

Each set draws its frame seeds from a stream of its own, so frame ``i`` of a set depends only on
the global seed, the set's stream and ``i``: asking for more frames of one split, or adding a new
set, never changes the frames of another. The stream numbers are therefore part of the data and
must never be renumbered.

The sets are returned as ``{frame_id: render}`` so a dataset can render and write one frame at a
time, and memory stays flat however many frames are asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from synboost_kedro.frames import AnomalyFrame, CityscapesFrame
from synboost_kedro.synthetic.anomalies import render_anomaly_frame
from synboost_kedro.synthetic.pasted_objects import render_pasted_object_frame
from synboost_kedro.synthetic.render import render_cityscapes_frame

_STREAMS = {
    "train": 0,
    "val": 1,
    "lost_and_found": 2,
    "road_anomaly": 3,
    "photo_objects": 4,
    "procedural_objects": 5,
}
#: The renderer of each anomaly-set style: ``(frame_id, height, width, seed) -> AnomalyFrame``.
ANOMALY_RENDERERS: dict[str, Callable[[str, int, int, int], AnomalyFrame]] = {
    "lost_and_found": partial(render_anomaly_frame, style="lost_and_found"),
    "road_anomaly": partial(render_anomaly_frame, style="road_anomaly"),
    "photo_objects": partial(render_pasted_object_frame, texture="photo"),
    "procedural_objects": partial(render_pasted_object_frame, texture="procedural"),
}


def frame_seed(seed: int, stream: str, index: int) -> int:
    """The seed of frame ``index`` of the set ``stream`` (a split or an anomaly-set style)."""
    return int(np.random.SeedSequence([seed, _STREAMS[stream], index]).generate_state(1)[0])


def cityscapes_split_frames(
    split: str,
    *,
    seed: int,
    height: int,
    width: int,
    frames: int,
    cities: Sequence[str],
    void_objects: int = 0,
) -> dict[str, Callable[[], CityscapesFrame]]:
    """``{frame_id: render}`` of one split (``train`` or ``val``) of the synthetic Cityscapes set.

    Frame ids follow Cityscapes' ``<city>_<sequence>_<frame>``: the cities take turns, each
    starting a new sequence per round, and frame numbers start at 19, the annotated frame of a
    Cityscapes snippet. ``void_objects`` is passed on to ``render_cityscapes_frame``.
    """
    split_frames = {}
    for index in range(frames):
        frame_id = f"{cities[index % len(cities)]}_{index // len(cities):06d}_{19 + index % 7:06d}"
        split_frames[frame_id] = partial(
            render_cityscapes_frame,
            frame_id,
            height,
            width,
            frame_seed(seed, split, index),
            void_objects,
        )
    return split_frames


def anomaly_set_frames(
    style: str, *, seed: int, height: int, width: int, frames: int
) -> dict[str, Callable[[], AnomalyFrame]]:
    """``{frame_id: render}`` of one synthetic anomaly set, with ids ``<style>_<index:04d>``.

    ``style`` is a key of ``ANOMALY_RENDERERS``.
    """
    return {
        f"{style}_{index:04d}": partial(
            ANOMALY_RENDERERS[style],
            f"{style}_{index:04d}",
            height,
            width,
            frame_seed(seed, style, index),
        )
        for index in range(frames)
    }
