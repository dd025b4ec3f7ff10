"""Pipeline ``evaluation``: metrics of every method on every evaluation set, with reports."""

from synboost_kedro.pipelines.evaluation.pipeline import create_pipeline

__all__ = ["create_pipeline"]
