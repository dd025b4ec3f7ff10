"""Pipeline ``reference_models``: the segmentation and synthesis networks SynBoost builds on."""

from synboost_kedro.pipelines.reference_models.pipeline import create_pipeline

__all__ = ["create_pipeline"]
