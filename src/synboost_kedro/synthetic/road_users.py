"""Road users: cars, pedestrians and cyclists, drawn from their sampled fields (see ``objects.py``
for where they stand)."""

from __future__ import annotations

from dataclasses import dataclass

from synboost_kedro.synthetic.canvas import Canvas
from synboost_kedro.synthetic.painting import Painter, draw_box, make_painter
from synboost_kedro.synthetic.palette import BICYCLE, CAR, PERSON, ROAD, SIDEWALK, Palette
from synboost_kedro.synthetic.scene import StreetLayout
from synboost_kedro.synthetic.shapes import ellipse, polygon, thick_line
from synboost_kedro.synthetic.textures import Appearance

SHADOW_FACTOR = 0.55


@dataclass(frozen=True)
class Car:
    """A car seen from behind (or from the front when oncoming) as a body box with a glass cabin."""

    lateral: float
    depth: float
    width: float
    length: float
    height: float
    body: Appearance
    oncoming: bool

    def draw(self, canvas: Canvas, layout: StreetLayout, palette: Palette) -> None:
        paint = make_painter(canvas, CAR, canvas.new_instance_id(CAR))
        x0, x1 = self.lateral - self.width / 2, self.lateral + self.width / 2
        d0, d1 = self.depth, self.depth + self.length
        footprint = [(x0 - 0.1, d0 - 0.15), (x1 + 0.1, d0 - 0.15), (x1 + 0.1, d1), (x0 - 0.1, d1)]
        shadow = polygon([layout.project(x, 0.0, d) for x, d in footprint], layout.shape)
        canvas.darken(shadow, SHADOW_FACTOR, (ROAD, SIDEWALK))
        self._draw_wheels(paint, layout, palette, lateral=(x0, x1), depth=(d0, d1))
        draw_box(
            paint,
            layout,
            lateral=(x0, x1),
            elevation=(0.3, 0.95),
            depth=(d0, d1),
            front=self.body,
            top=self.body,
        )
        inset = 0.12
        draw_box(
            paint,
            layout,
            lateral=(x0 + inset, x1 - inset),
            elevation=(0.95, self.height),
            depth=(d0 + 0.9, d1 - 1.1),
            front=palette["glass"],
            top=self.body,
        )
        lamp = Appearance((235, 230, 200) if self.oncoming else (200, 25, 25), fine=0.02)
        scale = layout.scale(d0)
        for centre in (x0 + 0.2, x1 - 0.2):
            x, y = layout.project(centre, 0.75, d0)
            paint(ellipse((x, y), 0.13 * scale, 0.07 * scale, layout.shape), lamp)

    def _draw_wheels(
        self,
        paint: Painter,
        layout: StreetLayout,
        palette: Palette,
        *,
        lateral: tuple[float, float],
        depth: tuple[float, float],
    ) -> None:
        (x0, x1), (d0, d1) = lateral, depth
        tyre = palette["tyre"]
        for centre in (x0 + 0.25, x1 - 0.25):
            left, top = layout.project(centre - 0.15, 0.6, d0 + 0.6)
            right, bottom = layout.project(centre + 0.15, 0.0, d0 + 0.6)
            paint(
                polygon([(left, top), (right, top), (right, bottom), (left, bottom)], layout.shape),
                tyre,
            )
        side = x1 if x1 < 0 else x0 if x0 > 0 else None
        if side is None:
            return
        for axle in (d0 + 0.8, d1 - 0.8):
            x, y = layout.project(side, 0.33, axle)
            near_x = layout.project(side, 0.33, axle - 0.33)[0]
            radius = 0.33 * layout.scale(axle)
            paint(ellipse((x, y), max(abs(near_x - x), 0.5), radius, layout.shape), tyre)


@dataclass(frozen=True)
class Pedestrian:
    """A standing or walking person (or a seated rider when ``label_id`` is rider)."""

    lateral: float
    depth: float
    height_m: float
    top: Appearance
    bottom: Appearance
    stride: float
    faces_camera: bool
    label_id: int = PERSON
    base_elevation: float = 0.0

    def draw(self, canvas: Canvas, layout: StreetLayout, palette: Palette) -> None:
        paint = make_painter(canvas, self.label_id, canvas.new_instance_id(self.label_id))
        scale = layout.scale(self.depth)
        tall = self.height_m

        def at(offset: float, elevation: float) -> tuple[float, float]:
            return layout.project(
                self.lateral + offset, self.base_elevation + elevation, self.depth
            )

        for side in (-1, 1):
            hip, foot = at(0.09 * side, 0.5 * tall), at((0.09 + self.stride / 2) * side, 0.02)
            paint(thick_line([hip, foot], 0.15 * scale, layout.shape), self.bottom)
        for side in (-1, 1):
            shoulder, hand = at(0.21 * side, 0.8 * tall), at(0.25 * side, 0.47 * tall)
            paint(thick_line([shoulder, hand], 0.09 * scale, layout.shape), self.top)
        torso = [
            at(-0.2, 0.82 * tall),
            at(0.2, 0.82 * tall),
            at(0.16, 0.47 * tall),
            at(-0.16, 0.47 * tall),
        ]
        paint(polygon(torso, layout.shape), self.top)
        head_radius = 0.11 * scale
        paint(
            ellipse(at(0.0, 0.92 * tall), head_radius, 1.15 * head_radius, layout.shape),
            palette["hair"],
        )
        if self.faces_camera:
            face = ellipse(at(0.0, 0.905 * tall), 0.8 * head_radius, head_radius, layout.shape)
            paint(face, palette["skin"])


@dataclass(frozen=True)
class Cyclist:
    """A rider on a bicycle riding along the road (seen from behind) or crossing it (side view)."""

    rider: Pedestrian
    crossing: bool

    @property
    def depth(self) -> float:
        return self.rider.depth

    @property
    def lateral(self) -> float:
        return self.rider.lateral

    def draw(self, canvas: Canvas, layout: StreetLayout, palette: Palette) -> None:
        paint = make_painter(canvas, BICYCLE, canvas.new_instance_id(BICYCLE))
        lateral, depth = self.rider.lateral, self.rider.depth
        scale = layout.scale(depth)
        if self.crossing:
            hubs = [layout.project(lateral + offset, 0.35, depth) for offset in (-0.55, 0.55)]
            for hub in hubs:
                radius = 0.35 * scale
                paint(
                    ellipse(hub, radius, radius, layout.shape, ring=0.06 * scale), palette["tyre"]
                )
            seat, bar = (
                layout.project(lateral - 0.15, 0.9, depth),
                layout.project(lateral + 0.45, 1.0, depth),
            )
            paint(
                thick_line([hubs[0], seat, hubs[1], bar], 0.05 * scale, layout.shape),
                palette["bicycle_frame"],
            )
        else:
            bottom, top = layout.project(lateral, 0.0, depth), layout.project(lateral, 0.7, depth)
            paint(thick_line([bottom, top], 0.06 * scale, layout.shape), palette["tyre"])
            bar = [layout.project(lateral + offset, 1.0, depth + 1.0) for offset in (-0.3, 0.3)]
            paint(thick_line(bar, 0.04 * scale, layout.shape), palette["bicycle_frame"])
        self.rider.draw(canvas, layout, palette)
