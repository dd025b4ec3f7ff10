"""From network inputs to score maps: the anomaly probability, resizing, and the fusion.

The fusion is the method's ensemble (docs/method.md, "Score fusion"): a weighted sum of the
anomaly probability and the uncertainty maps, 0.75 · p_anomaly + 0.25 · entropy in the paper.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from synboost_kedro.models.dissimilarity import anomaly_probability
from synboost_kedro.scoring.samples import network_outputs
from synboost_kedro.utils.precision import FLOAT32, Precision

#: The methods the fusion may weigh, in the order of the original's grid search.
FUSABLE_METHODS: tuple[str, ...] = ("dissimilarity", "entropy", "perceptual", "distance")
#: The published ensemble.
ORIGINAL_FUSION_WEIGHTS = {"dissimilarity": 0.75, "entropy": 0.25}
FusionWeights = dict[str, float]


def resize_scores(scores: torch.Tensor, height: int, width: int) -> np.ndarray:
    """Bilinearly resize a ``[h, w]`` score map to ``height`` × ``width`` (float32 numpy)."""
    if tuple(scores.shape) != (height, width):
        scores = F.interpolate(
            scores[None, None].float(), size=(height, width), mode="bilinear", align_corners=False
        )[0, 0]
    return scores.float().cpu().numpy()


def dissimilarity_probabilities(
    model: nn.Module,
    samples: Sequence[Mapping[str, torch.Tensor]],
    device: torch.device,
    precision: Precision = FLOAT32,
) -> torch.Tensor:
    """Anomaly probabilities ``[B, h, w]`` (float32, on the CPU) of a batch of
    :func:`~synboost_kedro.scoring.prepare_sample` samples, from a dissimilarity network in eval
    mode on ``device``; the network runs in ``precision``, the softmax in float32."""
    batch = {
        name: torch.stack([sample[name] for sample in samples]).to(device, non_blocking=True)
        for name in samples[0]
        if name != "label"
    }
    with torch.inference_mode():
        with precision.autocast():
            logits = network_outputs(model, batch)
        return anomaly_probability(logits.float()).cpu()


def fuse_scores(scores: Mapping[str, np.ndarray], weights: Mapping[str, float]) -> np.ndarray:
    """``Σ weights[m] · scores[m]`` over the methods with a non-zero weight (float32)."""
    unknown = sorted(set(weights) - set(FUSABLE_METHODS))
    if unknown:
        raise ValueError(f"Unknown fusion methods {unknown}; choose from {FUSABLE_METHODS}")
    fused = None
    for method, weight in weights.items():
        if weight:
            term = np.float32(weight) * scores[method].astype(np.float32)
            fused = term if fused is None else fused + term
    if fused is None:
        raise ValueError(f"Fusion weights {dict(weights)} are all zero")
    return fused
