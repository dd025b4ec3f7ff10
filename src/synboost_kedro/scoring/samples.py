"""A frame and its uncertainty maps as dissimilarity-network inputs.

Every map is NEAREST-resized to the network's size (the original resizes the RGB image with
NEAREST too; docs/method.md, "Known bugs of the original"), RGB and synthesis are
ImageNet-normalised, priors scaled to [0, 1], the semantic map one-hot encoded with void ids as
all-zero pixels, and the label kept as 0/1/255. Training, evaluation and inference all build
their inputs here, so the three cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal

import numpy as np
import torch
from PIL import Image

from synboost_kedro.frames import ProcessedFrame
from synboost_kedro.models.dissimilarity import imagenet_normalise, semantic_one_hot

FrameLoader = Callable[[], ProcessedFrame]
SemanticSource = Literal["swapped_labels", "prediction"]
#: Where the semantic input comes from: the label-swapped ground truth the synthesis was drawn
#: from (the original recipe) or the segmentation network's prediction.
SEMANTIC_SOURCES: tuple[str, ...] = ("swapped_labels", "prediction")
#: Keys of one sample; ``label`` is ``[H, W]`` long, the others ``[C, H, W]`` float.
INPUT_KEYS = ("image", "synthesis", "semantic", "entropy", "mae", "distance")
Sample = dict[str, torch.Tensor]


def resize_nearest(array: np.ndarray, height: int, width: int) -> torch.Tensor:
    """``[H, W]`` or ``[H, W, 3]`` uint8 array → ``[C, height, width]`` tensor, resized with PIL's
    NEAREST filter exactly as the original's ``transforms.Resize(..., NEAREST)`` does."""
    if array.dtype != np.uint8:
        raise ValueError(f"Expected a uint8 map or image, got {array.dtype}")
    if array.shape[:2] != (height, width):
        array = np.asarray(Image.fromarray(array).resize((width, height), Image.NEAREST))
    tensor = torch.from_numpy(np.array(array))
    return tensor[None] if tensor.dim() == 2 else tensor.permute(2, 0, 1)


def prepare_sample(
    frame: ProcessedFrame,
    maps: ProcessedFrame,
    height: int,
    width: int,
    *,
    semantic_source: SemanticSource = "swapped_labels",
    num_semantic_classes: int = 19,
    label_required: bool = True,
) -> Sample:
    """The network inputs and the label of one frame at ``height`` × ``width``.

    Args:
        frame: Needs ``image`` and ``label`` (and ``semantic`` for ``"swapped_labels"``).
        maps: Needs ``synthesis``, ``entropy``, ``distance``, ``perceptual`` (and ``semantic``
            for ``"prediction"``).
        height: Training height.
        width: Training width.
        semantic_source: Which semantic map feeds the network.
        num_semantic_classes: Channels of the one-hot semantic map.
        label_required: ``False`` accepts an unlabelled frame (inference); the sample then
            has no ``label``.

    Raises:
        ValueError: a field is missing.
    """
    semantic_frame = frame if semantic_source == "swapped_labels" else maps
    fields = {
        "image": frame.image,
        "label": frame.label,
        "semantic": semantic_frame.semantic,
        "synthesis": maps.synthesis,
        "entropy": maps.entropy,
        "mae": maps.perceptual,
        "distance": maps.distance,
    }
    if not label_required and frame.label is None:
        del fields["label"]
    missing = sorted(name for name, array in fields.items() if array is None)
    if missing:
        raise ValueError(f"Frame '{frame.frame_id}' lacks {missing} for dissimilarity training")
    resized = {name: resize_nearest(array, height, width) for name, array in fields.items()}
    sample = {
        name: imagenet_normalise(resized[name][None].float() / 255)[0]
        for name in ("image", "synthesis")
    }
    sample["semantic"] = semantic_one_hot(resized["semantic"].long(), num_semantic_classes)[0]
    for name in ("entropy", "mae", "distance"):
        sample[name] = resized[name].float() / 255
    if "label" in resized:
        sample["label"] = resized["label"][0].long()
    return sample


def pair_frames(
    frames: Mapping[str, FrameLoader], maps: Mapping[str, FrameLoader], description: str
) -> list[str]:
    """The sorted frame ids present in both ``frames`` and ``maps``.

    Raises:
        ValueError: the two sides do not hold the same frame ids, or hold none.
    """
    only_frames = sorted(set(frames) - set(maps))
    only_maps = sorted(set(maps) - set(frames))
    if only_frames or only_maps:
        raise ValueError(
            f"{description}: frames and uncertainty maps do not pair by frame id; "
            f"{len(only_frames)} frame(s) without maps (e.g. {only_frames[:3]}), "
            f"{len(only_maps)} map set(s) without a frame (e.g. {only_maps[:3]}); "
            "re-run the uncertainty_maps pipeline"
        )
    if not frames:
        raise ValueError(f"{description}: no frames")
    return sorted(frames)


def network_outputs(model: Callable[..., torch.Tensor], batch: Sample) -> torch.Tensor:
    """Logits of ``model`` for a batch of stacked :func:`prepare_sample` samples."""
    return model(
        batch["image"],
        batch["synthesis"],
        batch["semantic"],
        entropy=batch["entropy"],
        mae=batch["mae"],
        distance=batch["distance"],
    )
