"""Colour renderings of anomaly scores (a heat map, and the heat map blended over the image) and
of anomaly ground truth."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Matplotlib colour map of the heat maps (dark = normal, bright = anomalous).
COLOUR_MAP = "inferno"
#: Colours of the anomaly ground truth values 0 (normal), 1 (anomaly) and 255 (ignored).
GROUND_TRUTH_COLOURS = {"normal": (90, 90, 90), "anomaly": (255, 140, 0), "ignored": (0, 0, 0)}


@functools.cache
def _lookup_table() -> np.ndarray:
    import matplotlib

    colours = matplotlib.colormaps[COLOUR_MAP](np.linspace(0, 1, 256))[:, :3]
    return (colours * 255).round().astype(np.uint8)


def heat_map(scores: np.ndarray) -> np.ndarray:
    """``[H, W]`` scores in ``[0, 1]`` (clipped) as an ``[H, W, 3]`` uint8 RGB heat map."""
    levels = (np.clip(scores, 0, 1) * 255).round().astype(np.uint8)
    return _lookup_table()[levels]


def overlay(image: np.ndarray, scores: np.ndarray, alpha: float = 0.6) -> np.ndarray:
    """The heat map of ``scores`` over ``image``, opaque in proportion to the score.

    Args:
        image: ``[H, W, 3]`` uint8 RGB.
        scores: ``[H, W]`` scores in ``[0, 1]`` at the image's size.
        alpha: Opacity of the heat map where the score is 1; normal pixels keep the image.

    Raises:
        ValueError: sizes differ or ``alpha`` is outside ``[0, 1]``.
    """
    if image.shape[:2] != scores.shape:
        raise ValueError(f"image size {image.shape[:2]} differs from score size {scores.shape}")
    if not 0 <= alpha <= 1:
        raise ValueError(f"overlay alpha must be in [0, 1], got {alpha}")
    weight = (alpha * np.clip(scores, 0, 1))[..., None]
    blended = (1 - weight) * image + weight * heat_map(scores)
    return blended.round().astype(np.uint8)


def ground_truth_colours(labels: np.ndarray) -> np.ndarray:
    """``[H, W]`` labels (1 anomaly, 0 normal, else ignored) in :data:`GROUND_TRUTH_COLOURS`."""
    colours = np.zeros((*labels.shape, 3), dtype=np.uint8)
    colours[labels == 0] = GROUND_TRUTH_COLOURS["normal"]
    colours[labels == 1] = GROUND_TRUTH_COLOURS["anomaly"]
    return colours


def add_ground_truth_legend(figure: Figure, loc: str, **options: Any) -> None:
    """A legend of :data:`GROUND_TRUTH_COLOURS` on a matplotlib ``figure``, titled."""
    from matplotlib.patches import Patch

    handles = [
        Patch(color=np.array(colour) / 255, label=label)
        for label, colour in GROUND_TRUTH_COLOURS.items()
    ]
    figure.legend(
        handles=handles,
        loc=loc,
        ncols=len(GROUND_TRUTH_COLOURS),
        title="ground truth",
        **options,
    )
