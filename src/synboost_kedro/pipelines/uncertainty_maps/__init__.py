"""``uncertainty_maps``: entropy, distance, semantic, synthesis and perceptual maps of every set."""

from synboost_kedro.pipelines.uncertainty_maps.pipeline import create_pipeline

__all__ = ["create_pipeline"]
