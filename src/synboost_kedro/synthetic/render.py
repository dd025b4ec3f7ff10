"""A whole street scene: sampled once from a seed, drawn into a Cityscapes frame."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from synboost_kedro.frames import CityscapesFrame
from synboost_kedro.synthetic.canvas import Canvas
from synboost_kedro.synthetic.clutter import sample_void_objects
from synboost_kedro.synthetic.objects import StreetObject, sample_street_objects
from synboost_kedro.synthetic.palette import Palette, sample_palette
from synboost_kedro.synthetic.scene import (
    Backdrop,
    StreetLayout,
    paint_backdrop,
    paint_ego_hood,
    sample_backdrop,
    sample_layout,
)
from synboost_kedro.synthetic.textures import NoiseFields, sample_noise_fields


@dataclass(frozen=True)
class Lighting:
    """Global exposure, white balance and a left-right illumination gradient."""

    exposure: float
    white_balance: tuple[float, float, float]
    gradient: float

    def gain(self, height: int, width: int) -> np.ndarray:
        """The ``[H, W, 3]`` multiplicative gain of the frame."""
        across = np.linspace(-1.0, 1.0, width, dtype=np.float32)
        rows = np.ones((height, 1), dtype=np.float32)
        level = self.exposure * (1.0 + self.gradient * across)[None, :] * rows
        return level[..., None] * np.asarray(self.white_balance, dtype=np.float32)


@dataclass(frozen=True)
class Scene:
    """Everything random about one frame; drawing it makes no further random draws."""

    layout: StreetLayout
    palette: Palette
    noise: NoiseFields
    backdrop: Backdrop
    objects: tuple[StreetObject, ...]
    lighting: Lighting


def sample_scene(rng: np.random.Generator, height: int, width: int) -> Scene:
    """Sample the layout, looks, backdrop, objects and lighting of one frame."""
    if height < 16 or width < 16:
        raise ValueError(
            f"Frame size must be at least 16x16 pixels, got height={height}, width={width}"
        )
    layout = sample_layout(rng, height, width)
    palette = sample_palette(rng)
    noise = sample_noise_fields(rng, height, width)
    backdrop = sample_backdrop(rng, layout)
    objects = tuple(sample_street_objects(rng, layout, palette))
    lighting = Lighting(
        exposure=rng.uniform(0.75, 1.2),
        white_balance=tuple(float(g) for g in rng.uniform(0.93, 1.07, size=3)),
        gradient=rng.uniform(-0.15, 0.15),
    )
    return Scene(layout, palette, noise, backdrop, objects, lighting)


def draw_scene(scene: Scene, extra_objects: Sequence[StreetObject] = ()) -> Canvas:
    """Draw the scene, far objects first, with ``extra_objects`` interleaved by depth.

    The sort is stable and extra objects come last at equal depth, so the scene's own objects are
    drawn in the same order with or without extras.
    """
    canvas = Canvas.blank(scene.noise)
    paint_backdrop(canvas, scene.layout, scene.backdrop, scene.palette)
    for thing in sorted((*scene.objects, *extra_objects), key=lambda thing: -thing.depth):
        thing.draw(canvas, scene.layout, scene.palette)
    paint_ego_hood(canvas, scene.layout, scene.backdrop, scene.palette)
    canvas.relight(scene.lighting.gain(scene.layout.height, scene.layout.width))
    return canvas


def render_cityscapes_frame(
    frame_id: str, height: int, width: int, seed: int, void_objects: int = 0
) -> CityscapesFrame:
    """Render one synthetic Cityscapes frame: a street scene with its label and instance maps.

    Args:
        frame_id: Cityscapes-style id stored in the frame, e.g. ``synth_000000_000000``.
        height: Image height in pixels.
        width: Image width in pixels.
        seed: Seed of the frame; the same seed always gives the same frame.
        void_objects: At most this many void "dynamic" objects (``clutter.py``) are added. They
            are drawn after the scene is sampled, so the scene itself does not depend on it.

    Returns:
        The frame; ``label_ids`` holds exact Cityscapes label ids and ``instance_ids`` follows the
        ``classId * 1000 + k`` convention on cars, persons, riders and bicycles.
    """
    rng = np.random.default_rng(seed)
    scene = sample_scene(rng, height, width)
    clutter = sample_void_objects(rng, scene.layout, void_objects) if void_objects else []
    return draw_scene(scene, clutter).to_cityscapes_frame(frame_id)
