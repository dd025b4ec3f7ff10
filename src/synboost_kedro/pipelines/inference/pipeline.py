"""Pipeline ``inference``, and the serving pipeline that ``pipeline_ml_factory`` logs as a model.

``inference`` assembles the detector from the trained networks (a saved folder, also what the
served model carries) and writes every map of every image of ``inference_images``. The serving
pipeline has the single input :data:`SERVED_INPUT` and the single output the MLflow model
returns: anomaly score maps.
"""

from kedro.pipeline import Node, Pipeline

from synboost_kedro.pipelines.inference.nodes import (
    assemble_detector,
    detect_anomalies,
    score_images,
)

#: The served model's input: a batch of images as an array.
SERVED_INPUT = "served_images"


def create_assembly_pipeline() -> Pipeline:
    return Pipeline(
        [
            Node(
                func=assemble_detector,
                inputs={
                    "segmentation_model": "segmentation_model",
                    "synthesis_model": "synthesis_model",
                    "dissimilarity_model": "dissimilarity_model",
                    "fusion_weights": "fusion_weights",
                    "map_params": "params:uncertainty_maps",
                    "params": "params:inference",
                },
                outputs="anomaly_detector",
                name="assemble_anomaly_detector_node",
            )
        ],
        tags="inference",
    )


def create_serving_pipeline() -> Pipeline:
    return Pipeline(
        [
            Node(
                func=score_images,
                inputs=[SERVED_INPUT, "anomaly_detector"],
                outputs="served_anomaly_maps",
                name="score_served_images_node",
            )
        ],
        tags="inference",
    )


def create_pipeline(**kwargs) -> Pipeline:
    return create_assembly_pipeline() + Pipeline(
        [
            Node(
                func=detect_anomalies,
                inputs=["inference_images", "anomaly_detector", "params:inference"],
                outputs="inference_outputs",
                name="detect_anomalies_node",
            )
        ],
        tags="inference",
    )
