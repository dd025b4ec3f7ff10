"""The generator's 36-channel input: one-hot label ids 0..34 plus an instance-edge map."""

from __future__ import annotations

import torch

from synboost_kedro.models.synthesis.inputs import semantic_input

#: One-hot channels for label ids 0..34 (the original ``label_nc``); id 35 ("unknown") has none.
LABEL_CHANNELS = 35
SEMANTIC_CHANNELS = LABEL_CHANNELS + 1


def build_semantics(label_ids: torch.Tensor, instance_ids: torch.Tensor | None) -> torch.Tensor:
    """Build the CC-FPSE input ``[B, 36, H, W]`` from label ids and instance ids.

    Channels 0..34 one-hot the Cityscapes label ids (larger ids, such as the unknown id 35, get an
    all-zero vector, as the original 35-channel one-hot had no room for them); channel 35 is the
    instance-edge map.

    Args:
        label_ids: ``[B, H, W]`` integer label ids.
        instance_ids: ``[B, H, W]`` integer instance ids; ``None`` uses the label map, as SynBoost
            does for predicted segmentations.
    """
    return semantic_input(label_ids, instance_ids, num_label_channels=LABEL_CHANNELS)
