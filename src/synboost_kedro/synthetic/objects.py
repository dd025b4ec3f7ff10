"""Which street objects a scene holds, and where they stand.

The objects themselves are drawn by ``road_users.py`` and ``street_furniture.py``; this module
samples them. Each object is fully described by its sampled fields; ``draw`` makes no random
draws, so a scene can be re-drawn identically with extra objects interleaved (see
``anomalies.py``).

Like a driver keeping their distance, road users stay at least ``CLEAR_AHEAD`` bottom-row depths
ahead and parked cars only line kerbs beyond the camera's lane; ``anomalies.py`` relies on that
clear stretch of road to keep at least one anomaly visible.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from synboost_kedro.synthetic.canvas import Canvas
from synboost_kedro.synthetic.palette import RIDER, Palette
from synboost_kedro.synthetic.road_users import Car, Cyclist, Pedestrian
from synboost_kedro.synthetic.scene import LANE_WIDTH_M, StreetLayout
from synboost_kedro.synthetic.street_furniture import SIGN_KINDS, Pole, Tree

#: Road users keep at least this many bottom-row depths away from the camera.
CLEAR_AHEAD = 2.0
#: Parked cars need a kerb at least this far from the camera, so they never block its lane.
PARKING_KERB_MIN_M = 3.5


class StreetObject(Protocol):
    """Anything placed in the street; drawn far to near so nearer objects occlude farther ones."""

    depth: float

    def draw(self, canvas: Canvas, layout: StreetLayout, palette: Palette) -> None: ...


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
