"""Batched generation of the uncertainty maps of a set of frames (docs/method.md,
"Per-image inference" and "Uncertainty maps").

For every frame: segmentation → softmax entropy, softmax distance and predicted train ids (at the
segmentation size); synthesis from the annotated or predicted label map (at the synthesis size);
VGG19 perceptual difference between image and re-synthesis (at the perceptual size). Every map
is stored as uint8 with the original's truncation. Given the segmenter's max-logit statistics,
the same logits also give the standard baselines' scores (``logit_baselines.py``), kept as floats.

:func:`compute_maps` is Kedro-free and works on any subset of frame ids, so shards of one set can
be processed independently (e.g. one per torchrun rank) and write disjoint frames.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, default_collate

from synboost_kedro.cityscapes import TRAIN_TO_LABEL_ID
from synboost_kedro.frames import ProcessedFrame
from synboost_kedro.models.dissimilarity.inputs import imagenet_normalise
from synboost_kedro.models.perceptual import PerceptualDifference
from synboost_kedro.models.synthesis import SemanticImageSynthesiser
from synboost_kedro.uncertainty.config import MapConfig, Size, SynthesisLabels
from synboost_kedro.uncertainty.frame_inputs import (
    FrameInputs,
    FrameLoader,
    Sample,
    batches_by_size,
)
from synboost_kedro.uncertainty.logit_baselines import (
    MaxLogitAccumulator,
    MaxLogitStatistics,
    logit_baselines,
)
from synboost_kedro.uncertainty.quantise import signed_to_uint8, uint8_to_unit, unit_to_uint8
from synboost_kedro.uncertainty.softmax_maps import softmax_uncertainty
from synboost_kedro.utils.device import loader_options, prepare_device
from synboost_kedro.utils.precision import without_default_precision
from synboost_kedro.utils.progress import progress_bar

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MapModels:
    """The three frozen networks behind the maps.

    Attributes:
        segmentation: ImageNet-normalised ``[B, 3, H, W]`` → logits ``[B, 19, H, W]``.
        synthesis: Re-draws an image from a label map.
        perceptual: Normalised VGG19 perceptual difference ``[B, 1, H, W]`` in ``[0, 1]``.
    """

    segmentation: nn.Module
    synthesis: SemanticImageSynthesiser
    perceptual: PerceptualDifference

    def prepared(self, device: torch.device, channels_last: bool = False) -> MapModels:
        """The networks on ``device`` in eval mode, in channels-last or the default layout.

        They are converted in place, as ``nn.Module.to`` does.
        """
        memory_format = torch.channels_last if channels_last else torch.contiguous_format
        return MapModels(
            *(
                model.to(device, memory_format=memory_format).eval()
                for model in (self.segmentation, self.synthesis, self.perceptual)
            )
        )


def compute_maps(
    frame_loaders: Mapping[str, FrameLoader],
    frame_ids: Sequence[str],
    models: MapModels,
    config: MapConfig,
    progress: bool = False,
) -> Iterator[ProcessedFrame]:
    """Yield the maps of ``frame_ids``, one :class:`ProcessedFrame` at a time.

    Silent unless ``progress``: a library call prints nothing, a pipeline shows a bar.

    Frames are decoded by ``config.num_workers`` DataLoader workers and run through the networks
    ``config.batch_size`` at a time under ``torch.inference_mode()``; only the current batches are
    in memory. A frame's maps do not depend on the other frames (with ``style_seed`` the style is
    sampled per frame), so any partition of the ids gives the same files.

    Args:
        frame_loaders: ``{frame_id: loader}`` of the set.
        frame_ids: The frames to process (may be empty, e.g. a shard with nothing left to do).
        models: The networks.
        config: Sizes, synthesis source, normalisation, batching and device.

    Yields:
        Frames with ``semantic``, ``synthesis``, ``entropy``, ``distance`` and ``perceptual`` set,
        and the logit baselines' fields when ``config.max_logit_statistics`` is given.

    Raises:
        ValueError: an id has no loader, a frame is malformed, or a network returns a wrong shape
            or non-finite logits; the message names the frame.
    """
    if not frame_ids:
        return
    prepare_device(config.device)
    models = models.prepared(config.device, config.channels_last)
    for batch in _input_batches(frame_loaders, frame_ids, config, progress, "uncertainty maps"):
        # Left before yielding, so the consumer never runs in inference mode.
        with torch.inference_mode():
            frames = maps_of_batch(batch, models, config)
        yield from frames


def measure_max_logit_statistics(
    frame_loaders: Mapping[str, FrameLoader],
    segmentation: nn.Module,
    config: MapConfig,
    progress: bool = False,
) -> MaxLogitStatistics:
    """The max-logit statistics of every frame's segmentation, as map generation segments them
    (same input size, resizing and device), for the standardized max logit.

    Args:
        frame_loaders: ``{frame_id: loader}`` of frames with an image (processed or Cityscapes).
        segmentation: The segmentation network.
        config: Segmentation size, batching and device; the other sizes are not used.
        progress: Show a progress bar (on a terminal).

    Raises:
        ValueError: there are no frames, or a frame or the network's output is malformed.
    """
    if not frame_loaders:
        raise ValueError("max-logit statistics need at least one frame")
    memory_format = torch.channels_last if config.channels_last else torch.contiguous_format
    segmentation = segmentation.to(config.device, memory_format=memory_format).eval()
    accumulator = MaxLogitAccumulator()
    frame_ids = sorted(frame_loaders)
    for batch in _input_batches(frame_loaders, frame_ids, config, progress, "max-logit statistics"):
        with torch.inference_mode():
            accumulator.update(_segment(default_collate(batch), segmentation, config))
    return accumulator.statistics()


def _input_batches(
    frame_loaders: Mapping[str, FrameLoader],
    frame_ids: Sequence[str],
    config: MapConfig,
    progress: bool,
    description: str,
) -> Iterator[list[Sample]]:
    """The frames' network inputs, decoded by ``config.num_workers`` workers, in batches of one
    segmentation size."""
    unknown = [frame_id for frame_id in frame_ids if frame_id not in frame_loaders]
    if unknown:
        raise ValueError(f"No frames named {unknown[:5]} (of {len(unknown)} unknown ids)")
    loader = DataLoader(
        FrameInputs(frame_loaders, frame_ids, config),
        batch_size=None,
        num_workers=config.num_workers,
        **loader_options(config.device, config.num_workers),
    )
    samples = progress_bar(loader, description, "frame", show=progress, total=len(frame_ids))
    return batches_by_size(samples, config.batch_size)


def maps_of_batch(
    samples: list[Sample], models: MapModels, config: MapConfig
) -> list[ProcessedFrame]:
    """The maps of one batch of :class:`FrameInputs` samples of equal segmentation size.

    Call it under ``torch.no_grad()`` or ``torch.inference_mode()``, with ``models`` on
    ``config.device``.
    """
    batch = default_collate(samples)
    frame_ids: list[str] = batch["frame_id"]
    logits = _segment(batch, models.segmentation, config)
    softmax = softmax_uncertainty(logits, config.normalisation, frame_ids)
    synthesis = _resynthesise(batch, softmax.prediction, models.synthesis, config)
    perceptual = _perceptual_difference(batch, synthesis, models.perceptual, config)
    statistics = config.max_logit_statistics
    baselines = {} if statistics is None else logit_baselines(logits, statistics)
    return _frames(
        frame_ids,
        semantic=softmax.prediction.to(torch.uint8),
        synthesis=synthesis.permute(0, 2, 3, 1),
        entropy=unit_to_uint8(softmax.entropy),
        distance=unit_to_uint8(softmax.distance),
        perceptual=unit_to_uint8(perceptual[:, 0]),
        **baselines,
    )


def _segment(batch: Mapping[str, Any], model: nn.Module, config: MapConfig) -> torch.Tensor:
    """The segmentation logits ``[B, 19, H, W]`` of a collated batch."""
    image = _unit_images(batch, "segmentation_image", config)
    with config.autocast():
        logits = model(imagenet_normalise(image))
    _check_shape("segmentation logits", logits, image.shape[-2:], batch["frame_id"])
    return logits


def _resynthesise(
    batch: Mapping[str, Any],
    prediction: torch.Tensor,
    model: SemanticImageSynthesiser,
    config: MapConfig,
) -> torch.Tensor:
    """The re-synthesised images as uint8 ``[B, 3, H, W]`` at the synthesis size."""
    label_ids, instance_ids = _synthesis_labels(batch, prediction, config)
    image = _unit_images(batch, "synthesis_image", config) * 2 - 1
    with config.autocast():
        synthesis = _synthesise(
            model, label_ids, instance_ids, image, frame_ids=batch["frame_id"], config=config
        )
    _check_shape("synthesis output", synthesis, config.synthesis_size, batch["frame_id"])
    # Stored as 8 bits, and the perceptual difference sees those 8 bits, as the original's did.
    return signed_to_uint8(synthesis.float())


def _perceptual_difference(
    batch: Mapping[str, Any],
    synthesis: torch.Tensor,
    model: PerceptualDifference,
    config: MapConfig,
) -> torch.Tensor:
    image = _unit_images(batch, "perceptual_image", config)
    resynthesis = _resize_nearest(uint8_to_unit(synthesis), config.perceptual_size)
    with config.autocast():
        return model(imagenet_normalise(image), imagenet_normalise(resynthesis))


def _unit_images(batch: Mapping[str, Any], key: str, config: MapConfig) -> torch.Tensor:
    """``batch[key]`` as float ``[0, 1]`` on the device, in the networks' memory layout."""
    images = uint8_to_unit(batch[key].to(config.device, non_blocking=True))
    if config.channels_last:
        return images.contiguous(memory_format=torch.channels_last)
    return images


def _synthesis_labels(
    batch: Mapping[str, Any], prediction: torch.Tensor, config: MapConfig
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Label and instance ids at the synthesis size, from the annotation or the prediction."""
    if config.synthesis_labels is SynthesisLabels.ANNOTATION:
        label_ids, instance_ids = (
            batch[key].to(config.device, non_blocking=True) for key in ("label_ids", "instance_ids")
        )
        return label_ids, instance_ids
    label_ids = torch.as_tensor(TRAIN_TO_LABEL_ID, device=prediction.device).long()[prediction]
    resized = _resize_nearest(label_ids[:, None].float(), config.synthesis_size)[:, 0].long()
    # Predictions carry no instances: the label map is the instance map (docs/method.md,
    # "Re-synthesis").
    return resized, None


def _synthesise(
    model: SemanticImageSynthesiser,
    label_ids: torch.Tensor,
    instance_ids: torch.Tensor | None,
    image: torch.Tensor,
    *,
    frame_ids: Sequence[str],
    config: MapConfig,
) -> torch.Tensor:
    if config.style_seed is None:
        return model.synthesise(label_ids, instance_ids, image)
    # One generator per frame keeps each frame's sample independent of batching and sharding.
    return torch.cat(
        [
            model.synthesise(
                label_ids[index : index + 1],
                None if instance_ids is None else instance_ids[index : index + 1],
                image[index : index + 1],
                generator=frame_generator(config.style_seed, frame_id, image.device),
            )
            for index, frame_id in enumerate(frame_ids)
        ]
    )


def frame_generator(seed: int, frame_id: str, device: torch.device) -> torch.Generator:
    """A random generator determined by ``seed`` and ``frame_id`` alone (stable across runs)."""
    digest = hashlib.sha256(f"{seed}:{frame_id}".encode()).digest()
    return torch.Generator(device=device).manual_seed(int.from_bytes(digest[:8], "little"))


def _resize_nearest(images: torch.Tensor, size: Size) -> torch.Tensor:
    """NEAREST resize of ``[B, C, H, W]``; ``nearest-exact`` samples pixel centres like Pillow."""
    if tuple(images.shape[-2:]) == tuple(size):
        return images
    return F.interpolate(images, size=size, mode="nearest-exact")


def _check_shape(
    what: str, output: torch.Tensor, size: Sequence[int], frame_ids: Sequence[str]
) -> None:
    if (
        output.dim() != 4
        or output.shape[0] != len(frame_ids)
        or tuple(output.shape[-2:]) != tuple(size)
    ):
        raise ValueError(
            f"{what} for frames {list(frame_ids)} has shape {tuple(output.shape)}; expected "
            f"[{len(frame_ids)}, C, {size[0]}, {size[1]}]"
        )


def _frames(frame_ids: Sequence[str], **maps: torch.Tensor) -> list[ProcessedFrame]:
    arrays = {name: values.cpu().numpy() for name, values in maps.items()}
    return [
        ProcessedFrame(frame_id, **{name: values[index] for name, values in arrays.items()})
        for index, frame_id in enumerate(frame_ids)
    ]


class MapProducer:
    """The maps of a set, computed on demand: a producer for ``ProcessedDataset.save``.

    Args:
        frame_loaders: ``{frame_id: loader}`` of the set.
        models: The networks.
        config: See :class:`MapConfig`.
    """

    def __init__(
        self, frame_loaders: Mapping[str, FrameLoader], models: MapModels, config: MapConfig
    ) -> None:
        self._frame_loaders = frame_loaders
        self._models = models
        self._config = config

    def frame_ids(self) -> list[str]:
        """Every frame of the set, sorted."""
        return sorted(self._frame_loaders)

    def provenance(self) -> str:
        """A digest of what makes these maps: the three networks' weights and the settings that
        change the maps: not the device, batching or memory layout, nor a float32 precision, so
        maps made before the precision setting existed still count as made by these settings."""
        settings = without_default_precision(self._config.to_json())
        for name in ("device", "batch_size", "num_workers", "channels_last"):
            settings.pop(name)
        # Maps without baselines keep the digest they had before the baselines existed.
        if settings["max_logit_statistics"] is None:
            settings.pop("max_logit_statistics")
        digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
        for network in (self._models.segmentation, self._models.synthesis, self._models.perceptual):
            for name, tensor in network.state_dict().items():
                digest.update(name.encode())
                digest.update(
                    tensor.detach().cpu().contiguous().flatten().view(torch.uint8).numpy()
                )
        return digest.hexdigest()[:20]

    def __call__(self, skip: set[str]) -> Iterator[ProcessedFrame]:
        """Compute the maps of every frame not in ``skip`` (those already stored)."""
        todo = [frame_id for frame_id in self.frame_ids() if frame_id not in skip]
        logger.info(
            "Computing uncertainty maps of %d frames on %s (batch %d, %d workers)",
            len(todo),
            self._config.device,
            self._config.batch_size,
            self._config.num_workers,
        )
        # The dataset that drives this producer draws the bar of the frames it writes.
        return compute_maps(self._frame_loaders, todo, self._models, self._config)
