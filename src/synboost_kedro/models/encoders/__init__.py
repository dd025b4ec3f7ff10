"""Image encoders (VGG trunks) shared by the perceptual-difference and dissimilarity networks."""

from synboost_kedro.models.encoders.vgg import (
    VGG16_STAGE_SLICES,
    VggEncoder,
    build_vgg_features,
    imagenet_weights_instructions,
)

__all__ = [
    "VGG16_STAGE_SLICES",
    "VggEncoder",
    "build_vgg_features",
    "imagenet_weights_instructions",
]
