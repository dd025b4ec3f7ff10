"""Street furniture and traffic participants: cars, pedestrians, cyclists, poles, signs, trees.

Each object is fully described by its sampled fields; ``draw`` makes no random draws, so a scene
can be re-drawn identically with extra objects interleaved (see ``anomalies.py``).

Like a driver keeping their distance, road users stay at least ``CLEAR_AHEAD`` bottom-row depths
ahead and parked cars only line kerbs beyond the camera's lane; ``anomalies.py`` relies on that
clear stretch of road to keep at least one anomaly visible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from synboost_kedro.synthetic.canvas import Canvas
from synboost_kedro.synthetic.palette import (
    BICYCLE,
    CAR,
    PERSON,
    POLE,
    RIDER,
    ROAD,
    SIDEWALK,
    TRAFFIC_LIGHT,
    TRAFFIC_SIGN,
    VEGETATION,
    Palette,
)
from synboost_kedro.synthetic.scene import LANE_WIDTH_M, StreetLayout
from synboost_kedro.synthetic.shapes import Stamp, ellipse, polygon, thick_line
from synboost_kedro.synthetic.textures import Appearance


class Painter(Protocol):
    """Paints a stamp with an appearance under a label (and instance) id fixed beforehand."""

    def __call__(self, stamp: Stamp | None, appearance: Appearance, shade: float = 1.0) -> None: ...


#: Road users keep at least this many bottom-row depths away from the camera.
CLEAR_AHEAD = 2.0
#: Parked cars need a kerb at least this far from the camera, so they never block its lane.
PARKING_KERB_MIN_M = 3.5
SHADOW_FACTOR = 0.55
LAMP_COLOURS = ((235, 40, 30), (245, 170, 20), (40, 230, 120))
SIGN_KINDS = ("circle", "triangle", "square")


class StreetObject(Protocol):
    """Anything placed in the street; drawn far to near so nearer objects occlude farther ones."""

    depth: float

    def draw(self, canvas: Canvas, layout: StreetLayout, palette: Palette) -> None: ...


def make_painter(canvas: Canvas, label_id: int, instance_id: int | None = None) -> Painter:
    """A paint function bound to one label (and instance) id."""

    def paint(stamp: Stamp | None, appearance: Appearance, shade: float = 1.0) -> None:
        canvas.paint(stamp, appearance, label_id, instance_id, shade)

    return paint


def draw_box(
    paint: Painter,
    layout: StreetLayout,
    *,
    lateral: tuple[float, float],
    elevation: tuple[float, float],
    depth: tuple[float, float],
    front: Appearance,
    top: Appearance,
) -> None:
    """The camera-facing faces of an axis-aligned box: top, inner side, then near face."""
    (x0, x1), (e0, e1), (d0, d1) = lateral, elevation, depth

    def face(corners: list[tuple[float, float, float]]) -> Stamp | None:
        return polygon([layout.project(*corner) for corner in corners], layout.shape)

    if e1 < layout.camera_height:
        paint(face([(x0, e1, d0), (x1, e1, d0), (x1, e1, d1), (x0, e1, d1)]), top, 1.1)
    side = x1 if x1 < 0 else x0 if x0 > 0 else None
    if side is not None:
        paint(face([(side, e0, d0), (side, e0, d1), (side, e1, d1), (side, e1, d0)]), front, 0.8)
    paint(face([(x0, e0, d0), (x1, e0, d0), (x1, e1, d0), (x0, e1, d0)]), front, 1.0)


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


@dataclass(frozen=True)
class Pole:
    """A pole on the sidewalk, bare (street lamp) or carrying a traffic sign or a traffic light."""

    lateral: float
    depth: float
    height_m: float
    attachment: str
    lit_lamp: int

    def draw(self, canvas: Canvas, layout: StreetLayout, palette: Palette) -> None:
        scale = layout.scale(self.depth)
        foot = layout.project(self.lateral, 0.0, self.depth)
        top = layout.project(self.lateral, self.height_m, self.depth)
        make_painter(canvas, POLE)(
            thick_line([foot, top], 0.12 * scale, layout.shape), palette["pole"]
        )
        if self.attachment == "light":
            self._draw_light(canvas, layout, palette, scale)
        elif self.attachment in SIGN_KINDS:
            self._draw_sign(canvas, layout, palette, scale)

    def _draw_light(
        self, canvas: Canvas, layout: StreetLayout, palette: Palette, scale: float
    ) -> None:
        paint = make_painter(canvas, TRAFFIC_LIGHT)
        left, top = layout.project(self.lateral - 0.17, self.height_m, self.depth)
        right, bottom = layout.project(self.lateral + 0.17, self.height_m - 0.9, self.depth)
        housing = polygon(
            [(left, top), (right, top), (right, bottom), (left, bottom)], layout.shape
        )
        paint(housing, palette["traffic_light"])
        for lamp in range(3):
            centre = layout.project(self.lateral, self.height_m - 0.18 - 0.27 * lamp, self.depth)
            lit = lamp == self.lit_lamp
            colour = LAMP_COLOURS[lamp] if lit else tuple(0.25 * c for c in LAMP_COLOURS[lamp])
            paint(
                ellipse(centre, 0.09 * scale, 0.09 * scale, layout.shape),
                Appearance(colour, fine=0.02),
            )

    def _draw_sign(
        self, canvas: Canvas, layout: StreetLayout, palette: Palette, scale: float
    ) -> None:
        paint = make_painter(canvas, TRAFFIC_SIGN)
        centre = layout.project(self.lateral, self.height_m - 0.4, self.depth)
        radius = 0.33 * scale
        cx, cy = centre
        if self.attachment == "circle":
            paint(ellipse(centre, radius, radius, layout.shape), palette["sign_red"])
            paint(
                ellipse(centre, 0.75 * radius, 0.75 * radius, layout.shape), palette["sign_white"]
            )
        elif self.attachment == "triangle":
            corners = [
                (cx, cy - radius),
                (cx + radius, cy + 0.8 * radius),
                (cx - radius, cy + 0.8 * radius),
            ]
            paint(polygon(corners, layout.shape), palette["sign_red"])
            inner = [(cx + 0.6 * (x - cx), cy + 0.1 * radius + 0.6 * (y - cy)) for x, y in corners]
            paint(polygon(inner, layout.shape), palette["sign_white"])
        else:
            square = [
                (cx - radius, cy - radius),
                (cx + radius, cy - radius),
                (cx + radius, cy + radius),
                (cx - radius, cy + radius),
            ]
            paint(polygon(square, layout.shape), palette["sign_blue"])


@dataclass(frozen=True)
class Tree:
    """A street tree: trunk plus a crown of overlapping blobs (all Cityscapes "vegetation")."""

    lateral: float
    depth: float
    trunk_height: float
    crown: tuple[tuple[float, float, float], ...]

    def draw(self, canvas: Canvas, layout: StreetLayout, palette: Palette) -> None:
        paint = make_painter(canvas, VEGETATION)
        scale = layout.scale(self.depth)
        foot = layout.project(self.lateral, 0.0, self.depth)
        crown_base = layout.project(self.lateral, self.trunk_height + 0.5, self.depth)
        paint(thick_line([foot, crown_base], 0.25 * scale, layout.shape), palette["trunk"])
        for offset, elevation, radius in self.crown:
            centre = layout.project(self.lateral + offset, elevation, self.depth)
            paint(
                ellipse(centre, radius * scale, 0.9 * radius * scale, layout.shape),
                palette["vegetation"],
            )


def _log_uniform_depth(
    rng: np.random.Generator, layout: StreetLayout, low: float, high: float
) -> float:
    """A depth between ``low`` and ``high`` times the bottom-row depth, uniform in perspective."""
    return float(layout.near_depth * np.exp(rng.uniform(np.log(low), np.log(high))))


def _car(rng: np.random.Generator, palette: Palette, lateral: float, depth: float) -> Car:
    return Car(
        lateral=lateral,
        depth=depth,
        width=rng.uniform(1.65, 1.95),
        length=rng.uniform(3.8, 4.8),
        height=rng.uniform(1.35, 1.65),
        body=palette.car_body(rng),
        oncoming=lateral < -LANE_WIDTH_M / 2,
    )


def _parked_cars(rng: np.random.Generator, layout: StreetLayout, palette: Palette) -> list[Car]:
    cars = []
    for kerb, inward in ((layout.road_left, 1.0), (layout.road_right, -1.0)):
        if rng.random() < 0.45 or abs(kerb) < PARKING_KERB_MIN_M:
            continue
        depth = _log_uniform_depth(rng, layout, 0.9, 4.0)
        for _ in range(int(rng.integers(1, 6))):
            cars.append(_car(rng, palette, kerb + inward * rng.uniform(1.0, 1.3), depth))
            depth += rng.uniform(5.2, 9.0)
    return cars


def _moving_cars(rng: np.random.Generator, layout: StreetLayout, palette: Palette) -> list[Car]:
    cars = []
    for _ in range(int(rng.integers(0, 5))):
        lateral = rng.uniform(layout.road_left + 1.2, layout.road_right - 1.2)
        nearest = 1.25 * CLEAR_AHEAD if abs(lateral) < LANE_WIDTH_M / 2 else CLEAR_AHEAD
        cars.append(_car(rng, palette, lateral, _log_uniform_depth(rng, layout, nearest, 12.0)))
    return cars


def _pedestrian(
    rng: np.random.Generator, palette: Palette, lateral: float, depth: float, **rider: float
) -> Pedestrian:
    return Pedestrian(
        lateral=lateral,
        depth=depth,
        height_m=rng.uniform(1.55, 1.95),
        top=palette.clothing(rng),
        bottom=palette.clothing(rng),
        stride=rng.uniform(0.0, 0.5),
        faces_camera=bool(rng.random() < 0.5),
        **rider,
    )


def _pedestrians(
    rng: np.random.Generator, layout: StreetLayout, palette: Palette
) -> list[Pedestrian]:
    people = []
    for _ in range(int(rng.integers(0, 9))):
        if rng.random() < 0.5:
            lateral = rng.uniform(
                layout.road_left - layout.sidewalk_left + 0.3, layout.road_left - 0.3
            )
        else:
            lateral = rng.uniform(
                layout.road_right + 0.3, layout.road_right + layout.sidewalk_right - 0.3
            )
        people.append(
            _pedestrian(rng, palette, lateral, _log_uniform_depth(rng, layout, 0.8, 10.0))
        )
    if rng.random() < 0.2:
        lateral = rng.uniform(layout.road_left, layout.road_right)
        depth = _log_uniform_depth(rng, layout, CLEAR_AHEAD, 6.0)
        people.append(_pedestrian(rng, palette, lateral, depth))
    return people


def _cyclists(rng: np.random.Generator, layout: StreetLayout, palette: Palette) -> list[Cyclist]:
    cyclists = []
    for _ in range(int(rng.integers(0, 3))):
        kerb, inward = (layout.road_left, 1.0) if rng.random() < 0.5 else (layout.road_right, -1.0)
        depth = _log_uniform_depth(rng, layout, CLEAR_AHEAD, 8.0)
        rider = _pedestrian(
            rng,
            palette,
            kerb + inward * rng.uniform(0.6, 1.2),
            depth,
            label_id=RIDER,
            base_elevation=0.45,
        )
        cyclists.append(Cyclist(rider=rider, crossing=bool(rng.random() < 0.3)))
    return cyclists


def _poles(rng: np.random.Generator, layout: StreetLayout) -> list[Pole]:
    poles = []
    for kerb, outward in ((layout.road_left, -1.0), (layout.road_right, 1.0)):
        depth = _log_uniform_depth(rng, layout, 0.9, 3.0)
        while depth < 90.0:
            attachment = rng.choice(["", "", "light", *SIGN_KINDS])
            poles.append(
                Pole(
                    lateral=kerb + outward * rng.uniform(0.3, 0.7),
                    depth=depth,
                    height_m=rng.uniform(3.0, 4.0) if attachment else rng.uniform(6.0, 9.0),
                    attachment=str(attachment),
                    lit_lamp=int(rng.integers(3)),
                )
            )
            depth += rng.uniform(12.0, 35.0)
    return poles


def _trees(rng: np.random.Generator, layout: StreetLayout) -> list[Tree]:
    trees = []
    for outer, inward in ((layout.facade_left, 1.0), (layout.facade_right, -1.0)):
        if rng.random() < 0.5:
            continue
        depth = _log_uniform_depth(rng, layout, 1.0, 3.0)
        while depth < 90.0:
            trunk = rng.uniform(2.0, 3.5)
            radius = rng.uniform(1.3, 2.5)
            crown = tuple(
                (
                    rng.uniform(-0.6, 0.6) * radius,
                    trunk + radius * rng.uniform(0.6, 1.4),
                    radius * rng.uniform(0.5, 0.9),
                )
                for _ in range(5)
            )
            trees.append(
                Tree(
                    lateral=outer + inward * rng.uniform(0.8, 1.5),
                    depth=depth,
                    trunk_height=trunk,
                    crown=crown,
                )
            )
            depth += rng.uniform(7.0, 15.0)
    return trees


def sample_street_objects(
    rng: np.random.Generator, layout: StreetLayout, palette: Palette
) -> list[StreetObject]:
    """Random cars, pedestrians, cyclists, poles and trees placed consistently with the layout."""
    return [
        *_parked_cars(rng, layout, palette),
        *_moving_cars(rng, layout, palette),
        *_pedestrians(rng, layout, palette),
        *_cyclists(rng, layout, palette),
        *_poles(rng, layout),
        *_trees(rng, layout),
    ]
