"""Void clutter: unlabelled objects standing on the road and the pavements.

Cityscapes labels objects outside its classes (bins, bags, prams, lost cargo) as void "dynamic"
(label id 5), and SynBoost's released model learnt from them as a second source of anomalies (the
``labels_with_void_no_ego`` masks; ``data_preparation.void_objects: dynamic`` here). The synthetic
Cityscapes frames get such objects too: irregular outlines in muted colours with grain, blotches
or stripes. Segmentation training ignores void pixels, so neither reference network learns what
they look like, which is what makes them anomalies the re-synthesis cannot reproduce.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synboost_kedro.synthetic.canvas import Canvas
from synboost_kedro.synthetic.painting import make_painter
from synboost_kedro.synthetic.palette import Palette
from synboost_kedro.synthetic.scene import StreetLayout
from synboost_kedro.synthetic.shapes import polygon
from synboost_kedro.synthetic.textures import Appearance

#: Cityscapes label id "dynamic" (void).
DYNAMIC_LABEL_ID = 5
#: Width and height ranges of an object, metres.
WIDTH_RANGE_M = (0.3, 1.4)
HEIGHT_RANGE_M = (0.25, 1.3)
#: Depth range, in bottom-row depths (log-uniform).
DEPTH_RANGE = (1.2, 6.0)
PATTERNS = ("", "", "", "stripes", "checker", "spots")


@dataclass(frozen=True)
class VoidObject:
    """One void object: an outline of ``radii`` around its base centre, ``width × height`` m."""

    lateral: float
    depth: float
    width: float
    height: float
    radii: tuple[float, ...]
    look: Appearance

    def draw(self, canvas: Canvas, layout: StreetLayout, palette: Palette) -> None:
        angles = np.linspace(0.0, np.pi, len(self.radii))
        outline = [
            layout.project(
                self.lateral + 0.5 * self.width * radius * np.cos(angle),
                self.height * radius * np.sin(angle),
                self.depth,
            )
            for angle, radius in zip(angles, self.radii, strict=True)
        ]
        make_painter(canvas, DYNAMIC_LABEL_ID)(polygon(outline, layout.shape), self.look)


def _look(rng: np.random.Generator) -> Appearance:
    return Appearance(
        tuple(float(value) for value in rng.uniform(30, 210, size=3)),
        fine=rng.uniform(0.02, 0.15),
        medium=rng.uniform(0.0, 0.25),
        coarse=rng.uniform(0.0, 0.15),
        pattern=str(rng.choice(PATTERNS)),
        pattern_colour=tuple(float(value) for value in rng.uniform(30, 210, size=3)),
        pattern_period=rng.uniform(3.0, 10.0),
    )


def sample_void_objects(
    rng: np.random.Generator, layout: StreetLayout, max_count: int
) -> list[VoidObject]:
    """One to ``max_count`` void objects on the road and pavements of ``layout``."""
    objects = []
    for _ in range(int(rng.integers(1, max_count + 1))):
        low, high = DEPTH_RANGE
        depth = float(layout.near_depth * np.exp(rng.uniform(np.log(low), np.log(high))))
        lateral = rng.uniform(
            layout.road_left - layout.sidewalk_left, layout.road_right + layout.sidewalk_right
        )
        objects.append(
            VoidObject(
                lateral=float(lateral),
                depth=depth,
                width=rng.uniform(*WIDTH_RANGE_M),
                height=rng.uniform(*HEIGHT_RANGE_M),
                radii=tuple(float(r) for r in rng.uniform(0.55, 1.0, int(rng.integers(5, 10)))),
                look=_look(rng),
            )
        )
    return objects
