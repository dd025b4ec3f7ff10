"""The procedural anomalous objects: animals, debris, crates, cones and tyres.

Each is one ``Anomaly`` painted with a label no Cityscapes class uses, in saturated colours and
patterns unlike any in-distribution surface; ``anomaly_placement.py`` decides where they stand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from synboost_kedro.synthetic.canvas import ANOMALY_LABEL_ID, Canvas
from synboost_kedro.synthetic.painting import Painter, draw_box, make_painter
from synboost_kedro.synthetic.palette import Palette
from synboost_kedro.synthetic.scene import StreetLayout
from synboost_kedro.synthetic.shapes import ellipse, polygon, thick_line
from synboost_kedro.synthetic.textures import Appearance, jitter_colour

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


def sample_look(rng: np.random.Generator) -> Appearance:
    """A saturated colour with a pattern in a second, different anomaly colour."""
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


def sample_shape_params(rng: np.random.Generator, kind: str) -> tuple[float, ...]:
    """The shape variation ``Anomaly.shape_params`` of a ``kind``."""
    # Debris outline radii stay near 1 so the heap keeps a recognisable mound shape.
    low = 0.6 if kind == "debris" else 0.0
    return tuple(float(p) for p in rng.uniform(low, 1.0, _SHAPE_PARAM_COUNTS[kind]))
