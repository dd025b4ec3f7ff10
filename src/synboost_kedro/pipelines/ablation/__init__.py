"""Pipeline ``ablation``: the paper's ablation at demo scale (not part of the default run)."""

from synboost_kedro.pipelines.ablation.pipeline import create_pipeline

__all__ = ["create_pipeline"]
