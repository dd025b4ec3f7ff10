"""Street furniture: poles (bare, with a traffic sign or a traffic light) and street trees, drawn
from their sampled fields (see ``objects.py`` for where they stand)."""

from __future__ import annotations

from dataclasses import dataclass

from synboost_kedro.synthetic.canvas import Canvas
from synboost_kedro.synthetic.painting import make_painter
from synboost_kedro.synthetic.palette import POLE, TRAFFIC_LIGHT, TRAFFIC_SIGN, VEGETATION, Palette
from synboost_kedro.synthetic.scene import StreetLayout
from synboost_kedro.synthetic.shapes import ellipse, polygon, thick_line
from synboost_kedro.synthetic.textures import Appearance

LAMP_COLOURS = ((235, 40, 30), (245, 170, 20), (40, 230, 120))
SIGN_KINDS = ("circle", "triangle", "square")


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
