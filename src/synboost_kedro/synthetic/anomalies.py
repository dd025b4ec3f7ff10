"""Out-of-distribution obstacles inserted into street scenes, and anomaly-benchmark frames.

Anomalies are street objects painted with a label no Cityscapes class uses, in saturated colours
and patterns unlike any in-distribution surface. They are interleaved with the scene's own objects
by depth, so a car or pole in front can occlude them; the anomaly mask is exactly the anomaly
pixels left visible.

Two mask conventions are produced:

* ``lost_and_found`` (Fishyscapes Lost & Found): small obstacles on the road; 1 on anomaly pixels,
  0 on the road (the region of interest), 255 everywhere else.
* ``road_anomaly`` (SegmentMeIfYouCan RoadAnomaly21): larger objects on and beside the road;
  1 on anomaly pixels, 0 elsewhere, and 255 on a ``BOUNDARY_VOID_PX``-wide band just outside each
  anomaly, standing in for the benchmark's uncertain annotations along object outlines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import ndimage

from synboost_kedro.frames import ANOMALY, IGNORE, NORMAL, AnomalyFrame, CityscapesFrame
from synboost_kedro.synthetic.canvas import ANOMALY_LABEL_ID, Canvas
from synboost_kedro.synthetic.painting import Painter, draw_box, make_painter
from synboost_kedro.synthetic.palette import ROAD, Palette
from synboost_kedro.synthetic.render import Scene, draw_scene, sample_scene
from synboost_kedro.synthetic.road_users import Car
from synboost_kedro.synthetic.scene import StreetLayout
from synboost_kedro.synthetic.shapes import ellipse, polygon, thick_line
from synboost_kedro.synthetic.street_furniture import Pole
from synboost_kedro.synthetic.textures import Appearance, jitter_colour

BOUNDARY_VOID_PX = 2
#: Nearest anomaly depth, in bottom-row depths; keeps the anomaly's foot above any ego hood.
NEAREST_DEPTH = 1.4
OCCLUDED_FRACTION = 0.35
PLACEMENT_ATTEMPTS = 8
#: Share of an anomaly that must stay visible when nearer objects partly occlude it.
MIN_VISIBLE_FRACTION = 0.3
ANOMALY_COLOURS = (
    (235, 30, 200),
    (20, 225, 235),
    (150, 255, 30),
    (255, 120, 0),
    (140, 40, 230),
    (250, 235, 20),
    (255, 110, 180),
)
PATTERNS = ("", "stripes", "checker", "spots")


@dataclass(frozen=True)
class Anomaly:
    """One anomalous object: a shape ``kind`` of ``size`` metres standing at ``(lateral, depth)``.

    Attributes:
        kind: One of ``KINDS``.
        lateral: Lateral position of its centre, metres.
        depth: Depth of its foot, metres.
        size: Overall extent, metres.
        look: Its surface appearance.
        accent: Appearance of secondary parts (head, chunks, reflective bands, hub).
        shape_params: Per-kind shape variation in ``[0, 1]``.
        tag: Negative id painted into the canvas' instance map to tell anomalies apart.
    """

    kind: str
    lateral: float
    depth: float
    size: float
    look: Appearance
    accent: Appearance
    shape_params: tuple[float, ...]
    tag: int

    def draw(self, canvas: Canvas, layout: StreetLayout, palette: Palette) -> None:
        DRAWERS[self.kind](self, make_painter(canvas, ANOMALY_LABEL_ID, self.tag), layout)

    def at(self, layout: StreetLayout, offset: float, elevation: float) -> tuple[float, float]:
        """Image point ``offset`` metres right of the centre, ``elevation`` metres up."""
        return layout.project(self.lateral + offset, elevation, self.depth)


def _draw_animal(anomaly: Anomaly, paint: Painter, layout: StreetLayout) -> None:
    """A four-legged silhouette seen from the side: legs, body ellipse, neck, head and tail."""
    length, (leg_ratio, heading, head_up) = anomaly.size, anomaly.shape_params
    facing = 1.0 if heading > 0.5 else -1.0
    legs, body = length * (0.25 + 0.25 * leg_ratio), length * 0.4
    scale = layout.scale(anomaly.depth)
    for offset in (-0.38, -0.28, 0.28, 0.38):
        leg = [
            anomaly.at(layout, offset * length, legs + 0.1 * body),
            anomaly.at(layout, offset * length, 0.0),
        ]
        paint(thick_line(leg, 0.07 * length * scale, layout.shape), anomaly.look)
    centre = anomaly.at(layout, 0.0, legs + body / 2)
    paint(ellipse(centre, 0.5 * length * scale, 0.5 * body * scale, layout.shape), anomaly.look)
    head_height = legs + body * (0.9 + head_up)
    neck = [
        anomaly.at(layout, facing * 0.4 * length, legs + body / 2),
        anomaly.at(layout, facing * 0.55 * length, head_height),
    ]
    paint(thick_line(neck, 0.15 * length * scale, layout.shape), anomaly.look)
    head = anomaly.at(layout, facing * 0.62 * length, head_height)
    paint(ellipse(head, 0.14 * length * scale, 0.1 * length * scale, layout.shape), anomaly.accent)
    tail = [
        anomaly.at(layout, -facing * 0.48 * length, legs + 0.7 * body),
        anomaly.at(layout, -facing * 0.62 * length, legs + 0.2 * body),
    ]
    paint(thick_line(tail, 0.04 * length * scale, layout.shape), anomaly.accent)


def _draw_debris(anomaly: Anomaly, paint: Painter, layout: StreetLayout) -> None:
    """An irregular low heap with a few differently coloured chunks on it."""
    radii = anomaly.shape_params
    angles = np.linspace(0.0, np.pi, len(radii))
    outline = [
        anomaly.at(
            layout,
            0.5 * anomaly.size * radius * np.cos(angle),
            0.35 * anomaly.size * radius * np.sin(angle),
        )
        for angle, radius in zip(angles, radii, strict=True)
    ]
    paint(polygon(outline, layout.shape), anomaly.look)
    scale = layout.scale(anomaly.depth)
    for offset, radius in zip((-0.2, 0.05, 0.25), radii, strict=False):
        chunk = anomaly.at(layout, offset * anomaly.size, 0.12 * anomaly.size * radius)
        paint(
            ellipse(chunk, 0.1 * anomaly.size * scale, 0.06 * anomaly.size * scale, layout.shape),
            anomaly.accent,
        )


def _draw_crate(anomaly: Anomaly, paint: Painter, layout: StreetLayout) -> None:
    """A box (crate, suitcase) with its visible faces."""
    width_ratio, height_ratio, depth_ratio = anomaly.shape_params
    half = anomaly.size * (0.3 + 0.2 * width_ratio)
    lateral = (anomaly.lateral - half, anomaly.lateral + half)
    elevation = (0.0, anomaly.size * (0.4 + 0.5 * height_ratio))
    depth = (anomaly.depth, anomaly.depth + anomaly.size * (0.4 + 0.6 * depth_ratio))
    draw_box(
        paint,
        layout,
        lateral=lateral,
        elevation=elevation,
        depth=depth,
        front=anomaly.look,
        top=anomaly.accent,
    )


def _draw_cone(anomaly: Anomaly, paint: Painter, layout: StreetLayout) -> None:
    """A traffic cone in an unusual colour with a reflective band, on a square foot."""
    size = anomaly.size
    foot = [anomaly.at(layout, -0.35 * size, 0.06 * size), anomaly.at(layout, 0.35 * size, 0.0)]
    (x0, y0), (x1, y1) = foot
    paint(polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], layout.shape), anomaly.look)
    body = [
        anomaly.at(layout, -0.25 * size, 0.05 * size),
        anomaly.at(layout, 0.25 * size, 0.05 * size),
        anomaly.at(layout, 0.04 * size, size),
        anomaly.at(layout, -0.04 * size, size),
    ]
    paint(polygon(body, layout.shape), anomaly.look)
    band = [
        anomaly.at(layout, -0.17 * size, 0.4 * size),
        anomaly.at(layout, 0.17 * size, 0.4 * size),
        anomaly.at(layout, 0.12 * size, 0.6 * size),
        anomaly.at(layout, -0.12 * size, 0.6 * size),
    ]
    paint(polygon(band, layout.shape), anomaly.accent)


def _draw_tyre(anomaly: Anomaly, paint: Painter, layout: StreetLayout) -> None:
    """A loose tyre, upright or lying flat, with a coloured hub."""
    upright, _ = anomaly.shape_params
    radius = 0.5 * anomaly.size * layout.scale(anomaly.depth)
    flatten = 1.0 if upright > 0.5 else 0.35
    centre = anomaly.at(layout, 0.0, 0.5 * anomaly.size * flatten)
    paint(ellipse(centre, radius, radius * flatten, layout.shape, ring=0.35 * radius), anomaly.look)
    paint(ellipse(centre, 0.45 * radius, 0.45 * radius * flatten, layout.shape), anomaly.accent)


DRAWERS: dict[str, Callable[[Anomaly, Painter, StreetLayout], None]] = {
    "animal": _draw_animal,
    "debris": _draw_debris,
    "crate": _draw_crate,
    "cone": _draw_cone,
    "tyre": _draw_tyre,
}
KINDS = tuple(DRAWERS)
_SHAPE_PARAM_COUNTS = {"animal": 3, "debris": 9, "crate": 3, "cone": 0, "tyre": 2}


#: Overall size of each kind relative to the style's size range (a 3 m cone would be odd).
KIND_SCALE = {"animal": 1.0, "debris": 1.0, "crate": 0.7, "cone": 0.5, "tyre": 0.5}


def _anomaly_look(rng: np.random.Generator) -> Appearance:
    colours = rng.choice(len(ANOMALY_COLOURS), size=2, replace=False)
    return Appearance(
        jitter_colour(rng, ANOMALY_COLOURS[colours[0]], 0.1),
        fine=0.06,
        medium=0.05,
        coarse=0.05,
        pattern=str(rng.choice(PATTERNS)),
        pattern_colour=jitter_colour(rng, ANOMALY_COLOURS[colours[1]], 0.1),
        pattern_period=rng.uniform(3.0, 9.0),
    )


@dataclass(frozen=True)
class AnomalyStyle:
    """Where anomalies go and how large they are, for one benchmark style (sizes in metres)."""

    size_range: tuple[float, float]
    farthest_depth: float
    on_road_only: bool


STYLES: dict[str, AnomalyStyle] = {
    "lost_and_found": AnomalyStyle(size_range=(0.35, 1.1), farthest_depth=3.5, on_road_only=True),
    "road_anomaly": AnomalyStyle(size_range=(1.0, 3.0), farthest_depth=3.0, on_road_only=False),
}


def _lateral_range(layout: StreetLayout, style: AnomalyStyle) -> tuple[float, float]:
    if style.on_road_only:
        return layout.road_left + 0.4, layout.road_right - 0.4
    return layout.facade_left + 1.0, layout.facade_right - 1.0


def free_placement(
    rng: np.random.Generator, layout: StreetLayout, style: AnomalyStyle
) -> tuple[float, float]:
    """A ``(lateral, depth)`` in the style's area whose foot projects inside the frame."""
    nearest, farthest = NEAREST_DEPTH * layout.near_depth, style.farthest_depth * layout.near_depth
    depth = float(nearest * np.exp(rng.uniform(0.0, np.log(farthest / nearest))))
    low, high = _lateral_range(layout, style)
    scale = layout.scale(depth)
    # Both ranges contain the camera's lateral position 0, so the intersection is never empty.
    in_frame_low = (0.05 * layout.width - layout.vanishing_x) / scale
    in_frame_high = (0.95 * layout.width - layout.vanishing_x) / scale
    return float(rng.uniform(max(low, in_frame_low), min(high, in_frame_high))), depth


def _placement(rng: np.random.Generator, scene: Scene, style: AnomalyStyle) -> tuple[float, float]:
    """A free placement, or with probability ``OCCLUDED_FRACTION`` one just behind and beside a
    scene object, so that the object hides part of the anomaly."""
    layout = scene.layout
    nearest, farthest = NEAREST_DEPTH * layout.near_depth, style.farthest_depth * layout.near_depth
    occluders = [
        thing
        for thing in scene.objects
        if nearest < thing.depth < farthest and isinstance(thing, Car | Pole)
    ]
    if not occluders or rng.random() >= OCCLUDED_FRACTION:
        return free_placement(rng, layout, style)
    occluder = occluders[rng.integers(len(occluders))]
    low, high = _lateral_range(layout, style)
    side = 1.0 if rng.random() < 0.5 else -1.0
    lateral = float(np.clip(occluder.lateral + side * rng.uniform(0.6, 1.5), low, high))
    return lateral, occluder.depth + rng.uniform(0.5, 2.0)


def _shape_params(rng: np.random.Generator, kind: str) -> tuple[float, ...]:
    # Debris outline radii stay near 1 so the heap keeps a recognisable mound shape.
    low = 0.6 if kind == "debris" else 0.0
    return tuple(float(p) for p in rng.uniform(low, 1.0, _SHAPE_PARAM_COUNTS[kind]))


def sample_anomalies(rng: np.random.Generator, scene: Scene, style: AnomalyStyle) -> list[Anomaly]:
    """One to three anomalies of random kinds, sizes and looks placed according to ``style``."""
    anomalies = []
    for number in range(int(rng.integers(1, 4))):
        kind = KINDS[rng.integers(len(KINDS))]
        lateral, depth = _placement(rng, scene, style)
        anomalies.append(
            Anomaly(
                kind=kind,
                lateral=lateral,
                depth=depth,
                size=KIND_SCALE[kind] * rng.uniform(*style.size_range),
                look=_anomaly_look(rng),
                accent=_anomaly_look(rng),
                shape_params=_shape_params(rng, kind),
                tag=-(number + 1),
            )
        )
    return anomalies


def lost_and_found_mask(label_ids: np.ndarray, anomaly: np.ndarray) -> np.ndarray:
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
            each anomaly); see the module docstring.

    Returns:
        The frame; its mask is 1 exactly on the visible anomaly pixels.

    Raises:
        ValueError: If ``style`` is not one of the two styles.
    """
    return _to_anomaly_frame(frame_id, _compose(height, width, seed, style)[2], style)
