"""Binary shapes rasterised into frame-clipped stamps (no anti-aliasing, so labels stay exact)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from PIL import Image, ImageDraw

Point = tuple[float, float]


@dataclass(frozen=True)
class Stamp:
    """A boolean mask placed at ``(top, left)`` in the frame; its box lies inside the frame."""

    top: int
    left: int
    mask: np.ndarray

    @property
    def rows(self) -> slice:
        return slice(self.top, self.top + self.mask.shape[0])

    @property
    def cols(self) -> slice:
        return slice(self.left, self.left + self.mask.shape[1])

    @cached_property
    def pixels(self) -> tuple[np.ndarray, np.ndarray]:
        """Frame row and column indices of the stamp's pixels, row-major (computed once)."""
        rows, cols = np.nonzero(self.mask)
        return rows + self.top, cols + self.left

    def full_mask(self, frame_shape: tuple[int, int]) -> np.ndarray:
        """The stamp as a frame-sized boolean mask."""
        mask = np.zeros(frame_shape, dtype=bool)
        mask[self.rows, self.cols] = self.mask
        return mask


def _rasterise(
    points: Sequence[Point],
    frame_shape: tuple[int, int],
    draw: Callable[[ImageDraw.ImageDraw, float, float], None],
    margin: float = 0.0,
) -> Stamp | None:
    """Rasterise ``draw`` inside the frame-clipped bounding box of ``points`` (plus ``margin``)."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    left = max(int(np.floor(min(xs) - margin)), 0)
    top = max(int(np.floor(min(ys) - margin)), 0)
    right = min(int(np.ceil(max(xs) + margin)) + 1, frame_shape[1])
    bottom = min(int(np.ceil(max(ys) + margin)) + 1, frame_shape[0])
    if right <= left or bottom <= top:
        return None
    image = Image.new("L", (right - left, bottom - top), 0)
    draw(ImageDraw.Draw(image), left, top)
    mask = np.asarray(image) > 0
    return Stamp(top, left, mask) if mask.any() else None


def polygon(points: Sequence[Point], frame_shape: tuple[int, int]) -> Stamp | None:
    """A filled polygon with vertices ``(x, y)`` in frame pixels."""

    def draw(canvas: ImageDraw.ImageDraw, left: float, top: float) -> None:
        canvas.polygon([(x - left, y - top) for x, y in points], fill=255)

    return _rasterise(points, frame_shape, draw)


def ellipse(
    centre: Point, radius_x: float, radius_y: float, frame_shape: tuple[int, int], ring: float = 0
) -> Stamp | None:
    """A filled ellipse, or a ring of thickness ``ring`` pixels when ``ring > 0``."""
    cx, cy = centre
    corners = [(cx - radius_x, cy - radius_y), (cx + radius_x, cy + radius_y)]

    def draw(canvas: ImageDraw.ImageDraw, left: float, top: float) -> None:
        box = [(x - left, y - top) for x, y in corners]
        if ring > 0:
            canvas.ellipse(box, outline=255, width=max(1, round(ring)))
        else:
            canvas.ellipse(box, fill=255)

    return _rasterise(corners, frame_shape, draw)


def rectangle(
    x0: float, y0: float, x1: float, y1: float, frame_shape: tuple[int, int]
) -> Stamp | None:
    """An axis-aligned filled rectangle, at least one pixel wide and tall."""
    return polygon(
        [
            (x0, y0),
            (max(x1, x0 + 1), y0),
            (max(x1, x0 + 1), max(y1, y0 + 1)),
            (x0, max(y1, y0 + 1)),
        ],
        frame_shape,
    )


def thick_line(points: Sequence[Point], width: float, frame_shape: tuple[int, int]) -> Stamp | None:
    """A polyline of ``width`` pixels (at least one)."""

    def draw(canvas: ImageDraw.ImageDraw, left: float, top: float) -> None:
        canvas.line([(x - left, y - top) for x, y in points], fill=255, width=max(1, round(width)))

    return _rasterise(points, frame_shape, draw, margin=width)


def frame_stamp(mask: np.ndarray, left: int = 0) -> Stamp | None:
    """A mask spanning all frame rows, from column ``left``, as a stamp cropped to its box."""
    row_hits = np.flatnonzero(mask.any(axis=1))
    if row_hits.size == 0:
        return None
    col_hits = np.flatnonzero(mask.any(axis=0))
    top, bottom = row_hits[0], row_hits[-1] + 1
    first, last = col_hits[0], col_hits[-1] + 1
    return Stamp(int(top), left + int(first), mask[top:bottom, first:last])
