"""Pipeline ``dissimilarity_training``: train the SynBoost dissimilarity network (docs/method.md,
"Training")."""

from synboost_kedro.pipelines.dissimilarity_training.pipeline import create_pipeline

__all__ = ["create_pipeline"]
