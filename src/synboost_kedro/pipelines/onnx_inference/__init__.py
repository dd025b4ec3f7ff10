"""``onnx_inference``: the ``inference`` pipeline's maps, from the ``export`` pipeline's ONNX files
run in ONNX Runtime."""

from synboost_kedro.pipelines.onnx_inference.pipeline import create_pipeline

__all__ = ["create_pipeline"]
