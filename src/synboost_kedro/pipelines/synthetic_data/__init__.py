"""Pipeline ``synthetic_data``: the embedded Cityscapes-format dataset and anomaly test sets."""

from synboost_kedro.pipelines.synthetic_data.pipeline import create_pipeline

__all__ = ["create_pipeline"]
