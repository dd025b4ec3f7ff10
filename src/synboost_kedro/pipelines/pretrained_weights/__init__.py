"""Pipeline ``pretrained_weights``."""

from synboost_kedro.pipelines.pretrained_weights.pipeline import create_pipeline

__all__ = ["create_pipeline"]
