"""Where anomalies stand and how large they are, for each benchmark style.

Anomalies are placed either freely in the style's area or, now and then, just behind a car or a
pole so that it hides part of them, as real obstacles often are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synboost_kedro.synthetic.anomaly_objects import (
    KINDS,
    Anomaly,
    sample_look,
    sample_shape_params,
)
from synboost_kedro.synthetic.render import Scene
from synboost_kedro.synthetic.road_users import Car
from synboost_kedro.synthetic.scene import StreetLayout
from synboost_kedro.synthetic.street_furniture import Pole

#: Nearest anomaly depth, in bottom-row depths; keeps the anomaly's foot above any ego hood.
NEAREST_DEPTH = 1.4
OCCLUDED_FRACTION = 0.35
#: Overall size of each kind relative to the style's size range (a 3 m cone would be odd).
KIND_SCALE = {"animal": 1.0, "debris": 1.0, "crate": 0.7, "cone": 0.5, "tyre": 0.5}


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
                look=sample_look(rng),
                accent=sample_look(rng),
                shape_params=sample_shape_params(rng, kind),
                tag=-(number + 1),
            )
        )
    return anomalies
