"""VGG16_bn with SPADE layers in place of its BatchNorms (the original ``VGGSPADE``)."""

from __future__ import annotations

import os

import torch
from torch import nn

from synboost_kedro.models.dissimilarity.spade import Spade
from synboost_kedro.models.encoders.vgg import VGG16_STAGE_SLICES, build_vgg_features


class SpadeVggEncoder(nn.Module):
    """VGG16_bn conv1_1 … conv4_3 with a semantic-conditioned SPADE in place of each BatchNorm.

    Every stage is a chain of segments (the VGG layers between two BatchNorms) separated by SPADE
    layers. The attributes ``norm_layer_1`` … ``norm_layer_10`` and ``slice1`` … ``slice14`` (whose
    children keep their ``vgg16_bn.features`` indices) reproduce the original's state-dict keys.

    Args:
        label_channels: Channels of the semantic map.
        weights_path: Optional local ImageNet vgg16_bn state dict (its BatchNorms are unused).
    """

    out_channels = (64, 128, 256, 512)

    def __init__(self, label_channels: int = 19, weights_path: str | os.PathLike | None = None):
        super().__init__()
        features = build_vgg_features("vgg16_bn", weights_path)
        stage_plans = [
            _split_at_batch_norms(features, start, stop)
            for start, stop in VGG16_STAGE_SLICES["vgg16_bn"]
        ]
        norm_channels = [channels for plan in stage_plans for _, channels in plan if channels]
        norms = [Spade(channels, label_channels) for channels in norm_channels]
        for number, norm in enumerate(norms, start=1):
            self.add_module(f"norm_layer_{number}", norm)
        norm_iter = iter(norms)
        slice_number = 0
        self._stages: list[list[tuple[nn.Sequential, Spade | None]]] = []
        for plan in stage_plans:
            stage = []
            for indexed_layers, channels in plan:
                slice_number += 1
                segment = nn.Sequential()
                for index, layer in indexed_layers:
                    segment.add_module(str(index), layer)
                self.add_module(f"slice{slice_number}", segment)
                stage.append((segment, next(norm_iter) if channels else None))
            self._stages.append(stage)

    def forward(self, image: torch.Tensor, semantic: torch.Tensor) -> list[torch.Tensor]:
        """Return the four stage outputs of ``image`` conditioned on ``semantic``."""
        outputs = []
        features = image
        for stage in self._stages:
            for segment, norm in stage:
                features = segment(features)
                if norm is not None:
                    features = norm(features, semantic)
            outputs.append(features)
        return outputs


def _split_at_batch_norms(
    features: nn.Sequential, start: int, stop: int
) -> list[tuple[list[tuple[int, nn.Module]], int]]:
    """Split ``features[start:stop]`` into (indexed layers, channels of the BatchNorm ending them).

    The last segment, after the final BatchNorm, has channel count 0: no SPADE follows it.
    """
    plan = []
    segment: list[tuple[int, nn.Module]] = []
    for index in range(start, stop):
        layer = features[index]
        if isinstance(layer, nn.BatchNorm2d):
            plan.append((segment, layer.num_features))
            segment = []
        else:
            segment.append((index, layer))
    plan.append((segment, 0))
    return plan
