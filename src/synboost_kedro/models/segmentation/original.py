"""Loading NVIDIA's released WideResNet38 DeepLabV3+ (``cityscapes_best.pth``) for SynBoost."""

from __future__ import annotations

import os

from synboost_kedro.cityscapes import NUM_TRAIN_IDS
from synboost_kedro.models.checkpoints import load_strictly, read_state_dict
from synboost_kedro.models.release_files import RELEASE_HOW_TO_GET
from synboost_kedro.models.segmentation.deeplabv3plus import WRN38DeepLabV3Plus
from synboost_kedro.models.segmentation.registry import SEGMENTATION_MODELS

#: Keys of the training loss module, which the original network object carried as an attribute.
LOSS_MODULE_PREFIX = "criterion."


def from_original_checkpoint(
    path: str | os.PathLike, num_classes: int = NUM_TRAIN_IDS
) -> WRN38DeepLabV3Plus:
    """Build the SynBoost segmentation network from the released checkpoint, in eval mode.

    The container's ``state_dict`` is read with ``weights_only=True`` (NumPy scalars
    allow-listed), the DataParallel ``module.`` prefix is stripped, loss-module keys are dropped
    and the rest is loaded strictly.

    Args:
        path: ``models/image-segmentation/cityscapes_best.pth`` of the SynBoost release.
        num_classes: Number of output classes (19 for the release).

    Returns:
        The network; input ImageNet-normalised RGB ``[B, 3, H, W]``, output logits
        ``[B, num_classes, H, W]`` over the Cityscapes train ids.

    Raises:
        MissingWeightsError: ``path`` does not exist.
        CheckpointMismatchError: the file's keys or shapes do not match, naming them.
    """
    state_dict = read_state_dict(
        path,
        "SynBoost segmentation (WideResNet38 DeepLabV3+, cityscapes_best.pth)",
        RELEASE_HOW_TO_GET,
        drop_prefixes=(LOSS_MODULE_PREFIX,),
    )
    network = WRN38DeepLabV3Plus(num_classes)
    load_strictly(network, state_dict, str(path))
    return network.eval()


@SEGMENTATION_MODELS.register("wrn38_deeplabv3plus")
def build_wrn38_deeplabv3plus(
    checkpoint_path: str | os.PathLike | None = None, num_classes: int = NUM_TRAIN_IDS
) -> WRN38DeepLabV3Plus:
    """Build the original SynBoost segmentation network in eval mode.

    Args:
        checkpoint_path: The released ``cityscapes_best.pth``; ``None`` keeps the random
            initialisation.
        num_classes: Number of output classes.
    """
    if checkpoint_path is not None:
        return from_original_checkpoint(checkpoint_path, num_classes=num_classes)
    return WRN38DeepLabV3Plus(num_classes).eval()
