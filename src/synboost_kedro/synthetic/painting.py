"""Painting helpers shared by everything drawn into a street: a paint function bound to one label
(and instance) id, and the camera-facing faces of a box (cars, crates)."""

from __future__ import annotations

from typing import Protocol

from synboost_kedro.synthetic.canvas import Canvas
from synboost_kedro.synthetic.scene import StreetLayout
from synboost_kedro.synthetic.shapes import Stamp, polygon
from synboost_kedro.synthetic.textures import Appearance


class Painter(Protocol):
    """Paints a stamp with an appearance under a label (and instance) id fixed beforehand."""

    def __call__(self, stamp: Stamp | None, appearance: Appearance, shade: float = 1.0) -> None: ...


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
