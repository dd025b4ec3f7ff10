"""The semantic input of synthesis networks: one-hot label ids plus an instance-edge map.

Shared by every synthesis architecture so they read label maps identically (docs/method.md,
"Re-synthesis"): channel ``k`` is the one-hot of Cityscapes label id ``k`` and the last channel
marks pixels
whose instance id differs from a 4-neighbour.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from synboost_kedro.cityscapes import SYNTHESIS_UNKNOWN_LABEL_ID

#: One-hot channels over label ids 0..35, so the "unknown" id 35 gets a channel of its own.
NUM_LABEL_CHANNELS = SYNTHESIS_UNKNOWN_LABEL_ID + 1


def one_hot_label_ids(
    label_ids: torch.Tensor, num_channels: int = NUM_LABEL_CHANNELS
) -> torch.Tensor:
    """One-hot encode a batch of label-id maps.

    Args:
        label_ids: ``[B, H, W]`` integer Cityscapes label ids.
        num_channels: Number of one-hot channels. Ids ``>= num_channels`` get an all-zero vector,
            which is how the original CC-FPSE (35 channels) sees the "unknown" id 35.

    Returns:
        ``[B, num_channels, H, W]`` float tensor.

    Raises:
        ValueError: ``label_ids`` is not a 3-d integer tensor or holds negative ids.
    """
    if label_ids.dim() != 3 or label_ids.is_floating_point():
        raise ValueError(
            f"label_ids must be a [B, H, W] integer tensor, got {tuple(label_ids.shape)} "
            f"of {label_ids.dtype}"
        )
    if label_ids.numel() and int(label_ids.min()) < 0:
        raise ValueError(f"label_ids must be non-negative, got minimum {int(label_ids.min())}")
    clamped = label_ids.long().clamp(max=num_channels)
    one_hot = F.one_hot(clamped, num_classes=num_channels + 1)[..., :num_channels]
    return one_hot.permute(0, 3, 1, 2).float().contiguous()


def instance_edges(instance_ids: torch.Tensor) -> torch.Tensor:
    """Mark pixels whose instance id differs from their left, right, upper or lower neighbour.

    Args:
        instance_ids: ``[B, H, W]`` integer instance ids (the label map itself when there are none).

    Returns:
        ``[B, 1, H, W]`` float tensor of 0/1.
    """
    if instance_ids.dim() != 3:
        raise ValueError(f"instance_ids must be [B, H, W], got {tuple(instance_ids.shape)}")
    horizontal = (instance_ids[:, :, 1:] != instance_ids[:, :, :-1]).float()
    vertical = (instance_ids[:, 1:, :] != instance_ids[:, :-1, :]).float()
    # Padding each difference map onto both of its pixels, out of place, so the function also
    # exports to ONNX (which has no in-place or, ``aten::__ior_``).
    edges = torch.stack(
        [
            F.pad(horizontal, (1, 0)),
            F.pad(horizontal, (0, 1)),
            F.pad(vertical, (0, 0, 1, 0)),
            F.pad(vertical, (0, 0, 0, 1)),
        ]
    ).amax(dim=0)
    return edges.unsqueeze(1)


def semantic_input(
    label_ids: torch.Tensor,
    instance_ids: torch.Tensor | None,
    num_label_channels: int = NUM_LABEL_CHANNELS,
) -> torch.Tensor:
    """The conditioning tensor of a synthesis network: one-hot label ids plus instance edges.

    Args:
        label_ids: ``[B, H, W]`` integer label ids.
        instance_ids: ``[B, H, W]`` integer instance ids; ``None`` uses the label map, as SynBoost
            does for predicted segmentations that carry no instances.
        num_label_channels: One-hot channels (36 by default; 35 for the original CC-FPSE layout).

    Returns:
        ``[B, num_label_channels + 1, H, W]`` float tensor.
    """
    if instance_ids is None:
        instance_ids = label_ids
    if instance_ids.shape != label_ids.shape:
        raise ValueError(
            f"instance_ids {tuple(instance_ids.shape)} and label_ids {tuple(label_ids.shape)} "
            "must have the same shape"
        )
    return torch.cat(
        [one_hot_label_ids(label_ids, num_label_channels), instance_edges(instance_ids)], dim=1
    )
