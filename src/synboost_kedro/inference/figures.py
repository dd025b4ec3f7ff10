"""One figure that explains an image's analysis: what was seen, what was predicted, how sure.

Built on :class:`matplotlib.figure.Figure` without pyplot, so it neither needs nor changes a
backend: it renders headless in a pipeline and shows inline in a notebook.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from synboost_kedro.cityscapes import colourise_train_ids
from synboost_kedro.heatmaps import COLOUR_MAP, add_ground_truth_legend, ground_truth_colours
from synboost_kedro.inference.analysis import AnomalyAnalysis

#: How opaque the score is over the image, strong enough to read on a laptop screen.
OVERLAY_ALPHA = 0.65


def _picture(axis: Axes, picture: np.ndarray, title: str) -> None:
    axis.imshow(picture)
    axis.set_title(title, fontsize=9)
    axis.set_axis_off()


def _scores(axis: Axes, scores: np.ndarray, title: str, under: np.ndarray | None = None):
    if under is not None:
        axis.imshow(under)
    image = axis.imshow(
        scores,
        cmap=COLOUR_MAP,
        vmin=0,
        vmax=1,
        alpha=OVERLAY_ALPHA if under is not None else None,
    )
    axis.set_title(title, fontsize=9)
    axis.set_axis_off()
    return image


def analysis_figure(
    name: str,
    image: np.ndarray,
    analysis: AnomalyAnalysis,
    labels: np.ndarray | None = None,
) -> Figure:
    """A 2 × 4 grid of one image's maps, on one 0..1 colour scale with its colour bar.

    Top: the image, its ground truth (when ``labels`` are given: 1 anomaly, 0 normal, 255
    ignored, with a legend), the anomaly score over the image, the predicted classes. Bottom:
    the re-synthesis and the three cues the dissimilarity network reads.

    Args:
        name: Title of the figure.
        image: ``[H, W, 3]`` uint8 RGB.
        analysis: The image's maps, at its size.
        labels: ``[H, W]`` ground truth at the image's size, if known.
    """
    figure = Figure(figsize=(15, 5.2), layout="constrained", dpi=80)
    top, bottom = figure.subplots(2, 4)
    _picture(top[0], image, "image")
    if labels is None:
        top[1].text(0.5, 0.5, "no ground truth", ha="center", va="center")
        top[1].set_axis_off()
    else:
        _picture(top[1], ground_truth_colours(labels), "ground truth")
    _scores(top[2], analysis.anomaly, "anomaly score over the image", under=image)
    _picture(top[3], colourise_train_ids(analysis.semantic), "predicted classes")
    _picture(bottom[0], analysis.synthesis, "re-synthesis from the classes")
    scale = _scores(bottom[1], analysis.entropy, "softmax entropy")
    _scores(bottom[2], analysis.distance, "softmax distance")
    _scores(bottom[3], analysis.perceptual, "perceptual difference")
    figure.colorbar(scale, ax=[*top, *bottom], shrink=0.8, label="score (0 normal … 1 anomalous)")
    if labels is not None:
        add_ground_truth_legend(figure, "outside lower left", fontsize=8)
    figure.suptitle(f"{name}: highest anomaly score {analysis.anomaly.max():.2f}")
    return figure
