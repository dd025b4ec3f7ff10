"""A picture of what the two reference networks do: image, predicted segmentation, synthesis."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from synboost_kedro.cityscapes import TRAIN_TO_LABEL_ID, colourise_train_ids
from synboost_kedro.training.data import FrameLoader, load_frames
from synboost_kedro.training.segmentation import predict_train_ids

Size = tuple[int, int]


def reference_example_grid(
    segmentation: nn.Module,
    synthesis: nn.Module,
    frames: Mapping[str, FrameLoader],
    segmentation_size: Size,
    synthesis_size: Size,
) -> np.ndarray:
    """An RGB uint8 grid, one frame per row: image | predicted segmentation | synthesis.

    Each network runs at its own resolution; the synthesis is drawn from the *predicted*
    segmentation, as SynBoost does at inference, and shown resized to the segmentation's size.
    """
    data = load_frames(dict(frames), *segmentation_size, "example frames")
    predicted = predict_train_ids(segmentation, data, batch_size=len(data))
    label_ids = torch.from_numpy(TRAIN_TO_LABEL_ID).long()[predicted]
    label_ids = F.interpolate(label_ids[:, None].float(), size=synthesis_size, mode="nearest")
    with torch.no_grad():
        redrawn = synthesis.eval().synthesise(label_ids[:, 0].long(), None)
    redrawn = F.interpolate(redrawn, size=segmentation_size, mode="bilinear", align_corners=False)
    rows = [
        np.concatenate(
            [
                data.images[index].permute(1, 2, 0).numpy(),
                colourise_train_ids(predicted[index].numpy()),
                _to_uint8(redrawn[index]),
            ],
            axis=1,
        )
        for index in range(len(data))
    ]
    return np.concatenate(rows, axis=0)


def _to_uint8(image: torch.Tensor) -> np.ndarray:
    return ((image.clamp(-1, 1) + 1) * 127.5).round().byte().permute(1, 2, 0).numpy()
