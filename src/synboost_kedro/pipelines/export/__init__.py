"""Pipeline ``export``: the trained networks as ONNX files, checked against torch."""

from synboost_kedro.pipelines.export.pipeline import create_pipeline

__all__ = ["create_pipeline"]
