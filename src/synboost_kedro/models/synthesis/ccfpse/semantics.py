"""The generator's 36-channel input: one-hot Cityscapes label ids plus an instance-edge map."""

from __future__ import annotations

import torch

from synboost_kedro.cityscapes import SYNTHESIS_UNKNOWN_LABEL_ID

#: One-hot channels for label ids 0..34 (the original ``label_nc``).
LABEL_CHANNELS = 35
SEMANTIC_CHANNELS = LABEL_CHANNELS + 1


def instance_edges(instance_ids: torch.Tensor) -> torch.Tensor:
    """1 where a pixel's instance id differs from a 4-neighbour's, else 0; ``[B, H, W]`` float."""
    edges = torch.zeros_like(instance_ids, dtype=torch.bool)
    horizontal = instance_ids[:, :, 1:] != instance_ids[:, :, :-1]
    vertical = instance_ids[:, 1:, :] != instance_ids[:, :-1, :]
    edges[:, :, 1:] |= horizontal
    edges[:, :, :-1] |= horizontal
    edges[:, 1:, :] |= vertical
    edges[:, :-1, :] |= vertical
    return edges.float()


def build_semantics(label_ids: torch.Tensor, instance_ids: torch.Tensor) -> torch.Tensor:
    """Build the CC-FPSE input ``[B, 36, H, W]`` from label ids and instance ids.

    Channels 0..34 one-hot the Cityscapes label ids; channel 35 is the instance-edge map.
    SynBoost passes the label map as the instance map, since predictions have no instances.

    Args:
        label_ids: ``[B, H, W]`` integer label ids in 0..35; 35 ("unknown", which the original
            one-hot has no channel for) gets an all-zero one-hot.
        instance_ids: ``[B, H, W]`` integer instance ids.

    Raises:
        ValueError: shapes differ or a label id is outside 0..35.
    """
    if label_ids.dim() != 3 or label_ids.shape != instance_ids.shape:
        raise ValueError(
            "label_ids and instance_ids must both have shape [B, H, W], got "
            f"{list(label_ids.shape)} and {list(instance_ids.shape)}"
        )
    label_ids = label_ids.long()
    invalid = (label_ids < 0) | (label_ids > SYNTHESIS_UNKNOWN_LABEL_ID)
    if invalid.any():
        raise ValueError(
            f"label_ids must lie in 0..{SYNTHESIS_UNKNOWN_LABEL_ID}, got values "
            f"{label_ids[invalid].unique().tolist()}"
        )
    one_hot = torch.nn.functional.one_hot(label_ids, SYNTHESIS_UNKNOWN_LABEL_ID + 1)
    one_hot = one_hot[..., :LABEL_CHANNELS].permute(0, 3, 1, 2).float()
    return torch.cat([one_hot, instance_edges(instance_ids).unsqueeze(1)], dim=1)
