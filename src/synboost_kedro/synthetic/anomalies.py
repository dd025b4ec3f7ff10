"""Anomaly-benchmark frames: street scenes with out-of-distribution obstacles and their masks.

Anomalies (``anomaly_objects.py``, placed by ``anomaly_placement.py``) are interleaved with the
scene's own objects by depth, so a car or pole in front can occlude them; the anomaly mask
(``anomaly_masks.py``) is exactly the anomaly pixels left visible. Two styles are produced:

* ``lost_and_found`` (Fishyscapes Lost & Found): small obstacles on the road.
* ``road_anomaly`` (SegmentMeIfYouCan RoadAnomaly21): larger objects on and beside the road.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from synboost_kedro.frames import AnomalyFrame, CityscapesFrame
from synboost_kedro.synthetic.anomaly_masks import MASKERS
from synboost_kedro.synthetic.anomaly_objects import Anomaly
from synboost_kedro.synthetic.anomaly_placement import (
    NEAREST_DEPTH,
    STYLES,
    AnomalyStyle,
    free_placement,
    sample_anomalies,
)
from synboost_kedro.synthetic.canvas import ANOMALY_LABEL_ID, Canvas
from synboost_kedro.synthetic.render import Scene, draw_scene, sample_scene
from synboost_kedro.synthetic.scene import StreetLayout

PLACEMENT_ATTEMPTS = 8
#: Share of an anomaly that must stay visible when nearer objects partly occlude it.
MIN_VISIBLE_FRACTION = 0.3


def _style(style: str) -> AnomalyStyle:
    if style not in STYLES:
        raise ValueError(f"Unknown anomaly style {style!r}; expected one of {sorted(STYLES)}")
    return STYLES[style]


def _compose(height: int, width: int, seed: int, style: str) -> tuple[Scene, list[Anomaly], Canvas]:
    """The scene of ``seed`` drawn with anomalies that stay mostly visible.

    The scene is sampled first from the generator, so it is the one ``render_cityscapes_frame``
    draws for ``seed``. Anomalies that nearer objects hide beyond ``MIN_VISIBLE_FRACTION`` are
    moved to fresh free placements; if that keeps failing, they go to the clear stretch of the
    camera's own lane just ahead, where no scene object stands.
    """
    anomaly_style = _style(style)
    rng = np.random.default_rng(seed)
    scene = sample_scene(rng, height, width)
    anomalies = sample_anomalies(rng, scene, anomaly_style)
    canvas = draw_scene(scene, anomalies)
    for attempt in range(PLACEMENT_ATTEMPTS):
        hidden = _hidden_tags(canvas, scene, anomalies)
        if not hidden:
            break
        if attempt < PLACEMENT_ATTEMPTS - 1:
            anomalies = [
                _moved(anomaly, *free_placement(rng, scene.layout, anomaly_style))
                if anomaly.tag in hidden
                else anomaly
                for anomaly in anomalies
            ]
        else:
            anomalies = _moved_ahead(scene.layout, anomalies, hidden)
        canvas = draw_scene(scene, anomalies)
    return scene, anomalies, canvas


def _moved_ahead(
    layout: StreetLayout, anomalies: Sequence[Anomaly], hidden: set[int]
) -> list[Anomaly]:
    """The hidden anomalies lined up in the camera's lane just ahead.

    Scene objects keep out of that stretch (``objects.CLEAR_AHEAD``), so the nearest of them
    stays visible whatever else is in the scene.
    """
    moved, rank = [], 0
    for anomaly in anomalies:
        if anomaly.tag not in hidden:
            moved.append(anomaly)
            continue
        moved.append(_moved(anomaly, 0.0, NEAREST_DEPTH * layout.near_depth * (1.0 + 0.6 * rank)))
        rank += 1
    return moved


def _hidden_tags(canvas: Canvas, scene: Scene, anomalies: Sequence[Anomaly]) -> set[int]:
    """Tags of the anomalies less than ``MIN_VISIBLE_FRACTION`` of which is visible."""
    tags, counts = np.unique(canvas.instance_ids[canvas.instance_ids < 0], return_counts=True)
    visible = dict(zip(tags.tolist(), counts.tolist(), strict=True))
    hidden = set()
    for anomaly in anomalies:
        alone = Canvas.blank(scene.noise)
        anomaly.draw(alone, scene.layout, scene.palette)
        unoccluded = int((alone.instance_ids == anomaly.tag).sum())
        if visible.get(anomaly.tag, 0) < max(1, MIN_VISIBLE_FRACTION * unoccluded):
            hidden.add(anomaly.tag)
    return hidden


def _moved(anomaly: Anomaly, lateral: float, depth: float) -> Anomaly:
    return replace(anomaly, lateral=lateral, depth=depth)


def _to_anomaly_frame(frame_id: str, composite: Canvas, style: str) -> AnomalyFrame:
    visible = composite.label_ids == ANOMALY_LABEL_ID
    return AnomalyFrame(frame_id, composite.rgb(), MASKERS[style](composite.label_ids, visible))


def _render_anomaly_layers(
    frame_id: str, height: int, width: int, seed: int, style: str
) -> tuple[CityscapesFrame, Canvas, AnomalyFrame]:
    """The anomaly frame with its layers: the scene drawn without anomalies, and the composite.

    Lets tests check that the mask marks exactly the pixels the anomalies changed.
    """
    scene, _, composite = _compose(height, width, seed, style)
    background = draw_scene(scene).to_cityscapes_frame(frame_id)
    return background, composite, _to_anomaly_frame(frame_id, composite, style)


def render_anomaly_frame(
    frame_id: str, height: int, width: int, seed: int, style: str
) -> AnomalyFrame:
    """Render a street scene with one to three anomalous objects and its anomaly mask.

    Args:
        frame_id: Id stored in the frame.
        height: Image height in pixels.
        width: Image width in pixels.
        seed: Seed of the frame; the same seed always gives the same frame. The background is the
            scene ``render_cityscapes_frame`` draws for this seed.
        style: ``"lost_and_found"`` (small obstacles on the road, 255 outside the road) or
            ``"road_anomaly"`` (larger objects on and beside the road, 255 on a thin band around
            each anomaly); see ``anomaly_masks.py``.

    Returns:
        The frame; its mask is 1 exactly on the visible anomaly pixels.

    Raises:
        ValueError: If ``style`` is not one of the two styles.
    """
    return _to_anomaly_frame(frame_id, _compose(height, width, seed, style)[2], style)
