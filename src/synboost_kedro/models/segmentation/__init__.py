"""Semantic segmentation networks over the 19 Cityscapes train ids (contract in ``registry``)."""

# Imported for their registrations.
from synboost_kedro.models.segmentation import compact_deeplab, torchvision_mobilenet  # noqa: F401
from synboost_kedro.models.segmentation.original import from_original_checkpoint
from synboost_kedro.models.segmentation.registry import (
    SEGMENTATION_MODELS,
    create_segmentation_model,
)

__all__ = ["SEGMENTATION_MODELS", "create_segmentation_model", "from_original_checkpoint"]
