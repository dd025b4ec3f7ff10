"""Per-frame noise fields and the appearances (colour + texture) that paint every surface."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from synboost_kedro.synthetic.shapes import Stamp


@dataclass(frozen=True)
class NoiseFields:
    """Frame-sized noise in roughly ``[-1, 1]`` at three scales, shared by every painted surface.

    Sharing one set of fields (instead of drawing noise per surface) keeps painting free of random
    draws, so a scene re-painted with extra objects is pixel-identical wherever they are absent.
    """

    fine: np.ndarray
    medium: np.ndarray
    coarse: np.ndarray


def _upsample_axis(grid: np.ndarray, size: int, cell: int, axis: int) -> np.ndarray:
    """Linear interpolation along ``axis`` of nodes ``cell`` pixels apart, to ``size`` pixels.

    Gathers instead of a matrix product so no BLAS threads compete for the shared cores.
    """
    position = np.arange(size, dtype=np.float32) / cell
    lower = position.astype(np.int64)
    weight = position - lower
    shape = [1, 1]
    shape[axis] = size
    weight = weight.reshape(shape)
    return (
        np.take(grid, lower, axis=axis) * (1 - weight)
        + np.take(grid, lower + 1, axis=axis) * weight
    )


def smooth_noise(rng: np.random.Generator, height: int, width: int, cell: int) -> np.ndarray:
    """Value noise: a Gaussian grid of ``cell``-pixel spacing, bilinearly upsampled to the frame."""
    grid = rng.standard_normal((height // cell + 2, width // cell + 2)).astype(np.float32)
    upsampled = _upsample_axis(_upsample_axis(grid, height, cell, 0), width, cell, 1)
    return np.clip(upsampled / 2.0, -1.0, 1.0)


def sample_noise_fields(rng: np.random.Generator, height: int, width: int) -> NoiseFields:
    """Draw the three noise fields of one frame."""
    fine = np.clip(rng.standard_normal((height, width)).astype(np.float32) / 2.0, -1.0, 1.0)
    medium = smooth_noise(rng, height, width, max(2, width // 128))
    coarse = smooth_noise(rng, height, width, max(4, width // 16))
    return NoiseFields(fine=fine, medium=medium, coarse=coarse)


@dataclass(frozen=True)
class Appearance:
    """How a surface looks: a base colour modulated by noise and an optional two-colour pattern.

    Attributes:
        colour: Base RGB in ``[0, 255]``.
        fine: Relative amplitude of per-pixel grain.
        medium: Relative amplitude of few-pixel blotches (foliage, gravel).
        coarse: Relative amplitude of large-scale patches (stains, lighting unevenness).
        pattern: ``""`` or one of ``stripes``, ``checker``, ``spots``, in stamp-local coordinates.
        pattern_colour: RGB of the pattern's second colour.
        pattern_period: Pattern period in pixels.
    """

    colour: tuple[float, float, float]
    fine: float = 0.03
    medium: float = 0.0
    coarse: float = 0.05
    pattern: str = ""
    pattern_colour: tuple[float, float, float] = (0.0, 0.0, 0.0)
    pattern_period: float = 8.0

    def render(self, noise: NoiseFields, stamp: Stamp) -> np.ndarray:
        """The ``[N, 3]`` float colours of this surface on the stamp's ``N`` pixels (row-major)."""
        rows, cols = stamp.pixels
        modulation = 1.0 + self.fine * noise.fine[rows, cols]
        if self.medium:
            modulation += self.medium * noise.medium[rows, cols]
        if self.coarse:
            modulation += self.coarse * noise.coarse[rows, cols]
        colour = np.asarray(self.colour, dtype=np.float32)
        if not self.pattern:
            return modulation[:, None] * colour
        weight = self._pattern_weight(noise, rows, cols, stamp)[:, None]
        second = np.asarray(self.pattern_colour, dtype=np.float32)
        return modulation[:, None] * (colour * (1.0 - weight) + second * weight)

    def _pattern_weight(
        self, noise: NoiseFields, rows: np.ndarray, cols: np.ndarray, stamp: Stamp
    ) -> np.ndarray:
        """Pattern weight in ``[0, 1]`` per pixel, anchored at the stamp's corner."""
        y = (rows - stamp.top).astype(np.float32)
        x = (cols - stamp.left).astype(np.float32)
        period = max(self.pattern_period, 2.0)
        if self.pattern == "stripes":
            return (np.sin(2 * np.pi * (x + 0.6 * y) / period) > 0).astype(np.float32)
        if self.pattern == "checker":
            return ((np.floor(x / period) + np.floor(y / period)) % 2).astype(np.float32)
        if self.pattern == "spots":
            return (noise.medium[rows, cols] > 0.15).astype(np.float32)
        raise ValueError(f"Unknown appearance pattern {self.pattern!r}")


def jitter_colour(
    rng: np.random.Generator, colour: tuple[float, float, float], amount: float
) -> tuple[float, float, float]:
    """The colour scaled in brightness and per channel by up to ``amount`` (relative)."""
    gain = 1.0 + rng.uniform(-amount, amount)
    tint = 1.0 + rng.uniform(-amount / 2, amount / 2, size=3)
    r, g, b = np.clip(np.asarray(colour) * gain * tint, 0, 255)
    return float(r), float(g), float(b)


def jitter_appearance(
    rng: np.random.Generator, appearance: Appearance, amount: float
) -> Appearance:
    """The appearance with its base colour jittered (the frame-to-frame variation of a class)."""
    return replace(appearance, colour=jitter_colour(rng, appearance.colour, amount))
