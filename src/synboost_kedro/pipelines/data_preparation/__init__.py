"""Pipeline ``data_preparation``: training anomalies by label swapping, and evaluation sets in
one common form."""

from synboost_kedro.pipelines.data_preparation.pipeline import create_pipeline

__all__ = ["create_pipeline"]
