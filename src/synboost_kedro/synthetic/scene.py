"""Street geometry (a pinhole camera over a straight street) and the static backdrop painted on it.

World coordinates are metres: ``lateral`` to the right of the camera, ``elevation`` above the
ground, ``depth`` along the viewing direction. The camera looks parallel to the ground, so the
horizon is one image row and everything on the ground at ``depth`` sits on row
``horizon + camera_height * focal / depth``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synboost_kedro.synthetic.canvas import Canvas
from synboost_kedro.synthetic.palette import (
    BUILDING,
    EGO_VEHICLE,
    ROAD,
    SIDEWALK,
    SKY,
    TERRAIN,
    VEGETATION,
    Palette,
)
from synboost_kedro.synthetic.shapes import frame_stamp

LANE_WIDTH_M = 3.2
LANE_LINE_HALF_WIDTH_M = 0.07
KERB_WIDTH_M = 0.2


@dataclass(frozen=True)
class StreetLayout:
    """Camera and street cross-section of one frame (lateral edges in metres, left < 0 < right)."""

    height: int
    width: int
    horizon: float
    vanishing_x: float
    focal: float
    camera_height: float
    road_left: float
    road_right: float
    sidewalk_left: float
    sidewalk_right: float
    terrain_left: float
    terrain_right: float

    @property
    def near_depth(self) -> float:
        """Depth of the ground seen on the bottom image row."""
        return self.focal * self.camera_height / (self.height - self.horizon)

    @property
    def facade_left(self) -> float:
        return self.road_left - self.sidewalk_left - self.terrain_left

    @property
    def facade_right(self) -> float:
        return self.road_right + self.sidewalk_right + self.terrain_right

    @property
    def shape(self) -> tuple[int, int]:
        return self.height, self.width

    def scale(self, depth: float) -> float:
        """Pixels per metre at ``depth``."""
        return self.focal / depth

    def project(self, lateral: float, elevation: float, depth: float) -> tuple[float, float]:
        """Image ``(x, y)`` of a world point."""
        scale = self.focal / depth
        return (
            self.vanishing_x + lateral * scale,
            self.horizon + (self.camera_height - elevation) * scale,
        )


def sample_layout(rng: np.random.Generator, height: int, width: int) -> StreetLayout:
    """A random camera (height, horizon, focal length) over a random street cross-section."""
    lanes_left = int(rng.integers(1, 3))
    lanes_right = int(rng.integers(1, 3))
    ego_offset = rng.uniform(-0.6, 0.6)
    return StreetLayout(
        height=height,
        width=width,
        horizon=height * rng.uniform(0.36, 0.5),
        vanishing_x=width * (0.5 + rng.uniform(-0.08, 0.08)),
        focal=width * rng.uniform(1.0, 1.25),
        camera_height=rng.uniform(1.1, 1.7),
        road_left=-LANE_WIDTH_M * (lanes_left - 0.5) + ego_offset - rng.uniform(0.0, 1.5),
        road_right=LANE_WIDTH_M * (lanes_right - 0.5) + ego_offset + rng.uniform(0.0, 1.5),
        sidewalk_left=rng.uniform(1.5, 4.0),
        sidewalk_right=rng.uniform(1.5, 4.0),
        terrain_left=0.0 if rng.random() < 0.5 else rng.uniform(1.0, 4.0),
        terrain_right=0.0 if rng.random() < 0.5 else rng.uniform(1.0, 4.0),
    )


@dataclass(frozen=True)
class FacadeSegment:
    """A stretch of one street side between two depths: a building front or a hedge of trees."""

    end_depth: float
    height_m: float
    is_vegetation: bool
    facade: int
    window_period_m: float


@dataclass(frozen=True)
class Backdrop:
    """Everything static behind the objects: street sides, distant skyline, lane lines, ego hood."""

    left: tuple[FacadeSegment, ...]
    right: tuple[FacadeSegment, ...]
    skyline_px: float
    skyline_is_vegetation: bool
    dashed_lines: tuple[float, ...]
    solid_lines: tuple[float, ...]
    ego_hood_px: float


def _sample_side(rng: np.random.Generator, near_depth: float) -> tuple[FacadeSegment, ...]:
    segments = []
    depth = near_depth * rng.uniform(0.3, 1.0)
    while depth < 120.0:
        depth += rng.uniform(6.0, 30.0)
        is_vegetation = rng.random() < 0.2
        segments.append(
            FacadeSegment(
                end_depth=depth,
                height_m=rng.uniform(3.0, 8.0) if is_vegetation else rng.uniform(7.0, 24.0),
                is_vegetation=is_vegetation,
                facade=int(rng.integers(5)),
                window_period_m=rng.uniform(2.0, 4.0),
            )
        )
    return tuple(segments)


def sample_backdrop(rng: np.random.Generator, layout: StreetLayout) -> Backdrop:
    """Random street sides and markings for the layout."""
    # The camera drives roughly in the middle of a lane, so lane lines sit about half a lane away.
    shift = rng.uniform(-0.6, 0.6)
    left_lane_lines = np.arange(shift - LANE_WIDTH_M / 2, layout.road_left + 1.0, -LANE_WIDTH_M)
    right_lane_lines = np.arange(shift + LANE_WIDTH_M / 2, layout.road_right - 1.0, LANE_WIDTH_M)
    return Backdrop(
        left=_sample_side(rng, layout.near_depth),
        right=_sample_side(rng, layout.near_depth),
        skyline_px=layout.height * rng.uniform(0.02, 0.07),
        skyline_is_vegetation=bool(rng.random() < 0.4),
        dashed_lines=tuple(float(x) for x in (*left_lane_lines, *right_lane_lines)),
        solid_lines=(layout.road_left + 0.3, layout.road_right - 0.3),
        ego_hood_px=0.0 if rng.random() < 0.5 else layout.height * rng.uniform(0.05, 0.1),
    )


def _pixel_grid(layout: StreetLayout) -> tuple[np.ndarray, np.ndarray]:
    rows = np.arange(layout.height, dtype=np.float32)[:, None] + 0.5
    cols = np.arange(layout.width, dtype=np.float32)[None, :] + 0.5
    return rows, cols


def paint_backdrop(
    canvas: Canvas, layout: StreetLayout, backdrop: Backdrop, palette: Palette
) -> None:
    """Paint sky, street-side facades, skyline, ground surfaces and lane markings."""
    rows, cols = _pixel_grid(layout)
    below = rows - layout.horizon
    ground_depth = layout.focal * layout.camera_height / np.maximum(below, 1e-3)
    lateral = (cols - layout.vanishing_x) * ground_depth / layout.focal
    is_ground = (below > 0) & (lateral > layout.facade_left) & (lateral < layout.facade_right)
    sky_shade = 0.85 + 0.3 * np.clip(1.0 - (layout.horizon - rows) / layout.horizon, 0, 1)
    canvas.paint(
        frame_stamp(~is_ground),
        palette["sky"],
        SKY,
        shade=np.broadcast_to(sky_shade, layout.shape),
    )
    _paint_skyline(
        canvas, layout, backdrop=backdrop, palette=palette, rows=rows, is_ground=is_ground
    )
    for side, segments in (
        (layout.facade_left, backdrop.left),
        (layout.facade_right, backdrop.right),
    ):
        _paint_facades(
            canvas,
            layout,
            palette=palette,
            facade_lateral=side,
            segments=segments,
            rows=rows,
            cols=cols,
            is_ground=is_ground,
        )
    _paint_ground(
        canvas,
        layout,
        backdrop=backdrop,
        palette=palette,
        is_ground=is_ground,
        lateral=lateral,
        depth=ground_depth,
    )


def _paint_skyline(
    canvas: Canvas,
    layout: StreetLayout,
    *,
    backdrop: Backdrop,
    palette: Palette,
    rows: np.ndarray,
    is_ground: np.ndarray,
) -> None:
    """Distant buildings or trees closing the street at the horizon (and below it, off ground)."""
    mask = (rows > layout.horizon - backdrop.skyline_px) & ~is_ground
    if backdrop.skyline_is_vegetation:
        canvas.paint(frame_stamp(mask), palette["vegetation"], VEGETATION, shade=0.8)
    else:
        canvas.paint(frame_stamp(mask), palette.facades[0], BUILDING, shade=0.8)


def _paint_facades(
    canvas: Canvas,
    layout: StreetLayout,
    *,
    palette: Palette,
    facade_lateral: float,
    segments: tuple[FacadeSegment, ...],
    rows: np.ndarray,
    cols: np.ndarray,
    is_ground: np.ndarray,
) -> None:
    """Street-side fronts on the vertical plane ``lateral = facade_lateral``.

    Each segment spans a contiguous range of image columns, so it is painted on that slice only.
    """
    offset = cols[0] - layout.vanishing_x
    on_side = offset * facade_lateral > 0
    depth = np.full(layout.width, np.inf, dtype=np.float32)
    depth[on_side] = facade_lateral * layout.focal / offset[on_side]
    index = np.searchsorted([segment.end_depth for segment in segments], depth)
    for number, segment in enumerate(segments):
        columns = np.flatnonzero(index == number)
        if columns.size == 0:
            continue
        span = slice(columns[0], columns[-1] + 1)
        scale = layout.focal / depth[span]
        elevation = layout.camera_height - (rows - layout.horizon) / scale
        top = segment.height_m
        if segment.is_vegetation:
            # Hedge tops are ragged; building tops are straight.
            top = top + 1.5 * canvas.noise.medium[:, span]
        front = (elevation < top) & ~is_ground[:, span]
        look = palette["vegetation"] if segment.is_vegetation else palette.facades[segment.facade]
        label = VEGETATION if segment.is_vegetation else BUILDING
        canvas.paint(frame_stamp(front, span.start), look, label)
        if segment.is_vegetation:
            continue
        along = depth[span] / segment.window_period_m % 1.0
        storey = elevation / 3.0 % 1.0
        windows = front & (along < 0.5) & (storey > 0.35) & (storey < 0.8)
        windows &= (elevation > 2.5) & (elevation < segment.height_m - 1.0)
        canvas.paint(frame_stamp(windows, span.start), palette["window"], BUILDING)


def _paint_ground(
    canvas: Canvas,
    layout: StreetLayout,
    *,
    backdrop: Backdrop,
    palette: Palette,
    is_ground: np.ndarray,
    lateral: np.ndarray,
    depth: np.ndarray,
) -> None:
    """Road with lane lines, kerbs, sidewalks with paving joints, and terrain verges."""
    road = is_ground & (lateral >= layout.road_left) & (lateral <= layout.road_right)
    sidewalk_outer_left = layout.road_left - layout.sidewalk_left
    sidewalk_outer_right = layout.road_right + layout.sidewalk_right
    sidewalk = (
        is_ground & ~road & (lateral > sidewalk_outer_left) & (lateral < sidewalk_outer_right)
    )
    terrain = is_ground & ~road & ~sidewalk
    canvas.paint(frame_stamp(terrain), palette["terrain"], TERRAIN)
    joints = (np.abs(depth % 1.2) < 0.08) | (np.abs(lateral % 1.2) < 0.08)
    canvas.paint(
        frame_stamp(sidewalk), palette["sidewalk"], SIDEWALK, shade=np.where(joints, 0.85, 1.0)
    )
    kerb = sidewalk & (
        (np.abs(lateral - layout.road_left) < KERB_WIDTH_M)
        | (np.abs(lateral - layout.road_right) < KERB_WIDTH_M)
    )
    canvas.paint(frame_stamp(kerb), palette["kerb"], SIDEWALK)
    canvas.paint(frame_stamp(road), palette["road"], ROAD)
    # Lines stay at least one pixel wide so they remain visible in the distance.
    half_width = np.maximum(LANE_LINE_HALF_WIDTH_M, 0.5 * depth / layout.focal)
    dashes = depth % 9.0 < 3.5
    marks = np.zeros(layout.shape, dtype=bool)
    for line in backdrop.dashed_lines:
        marks |= (np.abs(lateral - line) < half_width) & dashes
    for line in backdrop.solid_lines:
        marks |= np.abs(lateral - line) < half_width
    canvas.paint(frame_stamp(marks & road), palette["lane_marking"], ROAD)


def paint_ego_hood(
    canvas: Canvas, layout: StreetLayout, backdrop: Backdrop, palette: Palette
) -> None:
    """The camera car's bonnet along the bottom edge (Cityscapes "ego vehicle"), if any."""
    if backdrop.ego_hood_px <= 0:
        return
    rows, cols = _pixel_grid(layout)
    across = (cols - layout.width / 2) / (layout.width / 2)
    top = layout.height - backdrop.ego_hood_px * (1.0 - 0.6 * across**2)
    hood = np.broadcast_to(rows > top, layout.shape)
    reflection = np.broadcast_to(1.0 + 0.5 * np.exp(-(((rows - top) / 4.0) ** 2)), layout.shape)
    canvas.paint(frame_stamp(hood), palette["ego_vehicle"], EGO_VEHICLE, shade=reflection)
