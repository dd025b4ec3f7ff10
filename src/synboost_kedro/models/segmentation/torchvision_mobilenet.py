"""Torchvision's MobileNetV3 segmentation models, built without any download.

They are an alternative to the compact default when a local ImageNet MobileNetV3-Large checkpoint
is available: ``load_backbone_weights`` initialises the trunk from that file.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import torch
from torch import nn
from torchvision.models.segmentation import deeplabv3_mobilenet_v3_large, lraspp_mobilenet_v3_large

from synboost_kedro.cityscapes import NUM_TRAIN_IDS
from synboost_kedro.models.checkpoints import read_state_dict
from synboost_kedro.models.segmentation.registry import SEGMENTATION_MODELS

_BACKBONE_HOW_TO_GET = (
    "Save torchvision's ImageNet MobileNetV3-Large weights on a machine with internet access "
    "(torch.save(torchvision.models.mobilenet_v3_large(weights='IMAGENET1K_V1').state_dict(), "
    "'mobilenet_v3_large.pth')), copy the file here and point `backbone_weights` at it, or set "
    "`backbone_weights: null` to train from scratch."
)


class TorchvisionSegmenter(nn.Module):
    """Adapts a torchvision segmentation model (which returns ``{"out": logits}``) to the contract.

    Args:
        model: A torchvision ``LRASPP`` or ``DeepLabV3`` built with ``weights=None``.
    """

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        """Map an ImageNet-normalised ``[B, 3, H, W]`` image to ``[B, 19, H, W]`` logits."""
        return self.model(image)["out"]

    def load_backbone_weights(self, path: str | os.PathLike) -> None:
        """Initialise the trunk from a local ImageNet MobileNetV3-Large ``state_dict`` file.

        Raises:
            MissingWeightsError: ``path`` does not exist (the message says how to get the file).
            ValueError: the file lacks tensors the trunk needs.
        """
        state = read_state_dict(path, "ImageNet MobileNetV3-Large weights", _BACKBONE_HOW_TO_GET)
        trunk = {
            name.removeprefix("features."): tensor
            for name, tensor in state.items()
            if name.startswith("features.")
        }
        backbone = self.model.backbone
        missing = sorted(set(backbone.state_dict()) - set(trunk))
        if missing:
            raise ValueError(
                f"'{path}' is not a MobileNetV3-Large state dict: it lacks "
                f"{len(missing)} trunk tensors, e.g. features.{missing[0]}"
            )
        backbone.load_state_dict({name: trunk[name] for name in backbone.state_dict()})


def _register(name: str, build: Callable[..., nn.Module]) -> None:
    @SEGMENTATION_MODELS.register(name)
    def builder(num_classes: int = NUM_TRAIN_IDS) -> TorchvisionSegmenter:
        return TorchvisionSegmenter(
            build(weights=None, weights_backbone=None, num_classes=num_classes)
        )

    builder.__doc__ = f"Build torchvision's ``{build.__name__}`` without pretrained weights."


_register("lraspp_mobilenet_v3", lraspp_mobilenet_v3_large)
_register("deeplabv3_mobilenet_v3", deeplabv3_mobilenet_v3_large)
