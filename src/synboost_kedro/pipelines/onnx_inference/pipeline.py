"""Pipeline ``onnx_inference``: the exported networks, run by ONNX Runtime on ``inference_images``.

It writes the same maps as ``inference`` (to ``onnx_inference_outputs``), so the two can be
compared image by image; they agree up to float32 rounding (and its rare one-step changes of
the 8-bit prior maps, docs/export.md).
"""

from kedro.pipeline import Node, Pipeline

from synboost_kedro.pipelines.inference.nodes import detect_anomalies
from synboost_kedro.pipelines.onnx_inference.nodes import assemble_onnx_detector


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=assemble_onnx_detector,
                inputs={
                    "segmentation_onnx": "segmentation_onnx",
                    "synthesis_onnx": "synthesis_onnx",
                    "dissimilarity_onnx": "dissimilarity_onnx",
                    "fusion_weights": "fusion_weights",
                    "map_params": "params:uncertainty_maps",
                    "params": "params:inference",
                },
                outputs="onnx_anomaly_detector",
                name="assemble_onnx_anomaly_detector_node",
            ),
            Node(
                func=detect_anomalies,
                inputs=["inference_images", "onnx_anomaly_detector", "params:inference"],
                outputs="onnx_inference_outputs",
                name="detect_anomalies_with_onnx_node",
            ),
        ],
        tags="onnx_inference",
    )
