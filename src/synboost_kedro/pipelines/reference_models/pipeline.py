"""Pipeline ``reference_models``."""

from kedro.pipeline import Node, Pipeline

from synboost_kedro.pipelines.reference_models.nodes import (
    draw_reference_example,
    fit_segmentation_model,
    fit_synthesis_model,
    score_segmentation_model,
    score_synthesis_model,
)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=fit_segmentation_model,
                inputs=["cityscapes_train", "params:reference_segmentation"],
                outputs=["segmentation_model", "reference_segmentation_training_history"],
                name="fit_segmentation_model_node",
            ),
            Node(
                func=score_segmentation_model,
                inputs=[
                    "segmentation_model",
                    "cityscapes_val",
                    "params:reference_segmentation",
                ],
                outputs="reference_segmentation_scores",
                name="score_segmentation_model_node",
            ),
            Node(
                func=fit_synthesis_model,
                inputs=["cityscapes_train", "params:reference_synthesis"],
                outputs=["synthesis_model", "reference_synthesis_training_history"],
                name="fit_synthesis_model_node",
            ),
            Node(
                func=score_synthesis_model,
                inputs=[
                    "synthesis_model",
                    "cityscapes_val",
                    "params:reference_synthesis",
                ],
                outputs="reference_synthesis_scores",
                name="score_synthesis_model_node",
            ),
            Node(
                func=draw_reference_example,
                inputs={
                    "segmentation_model": "segmentation_model",
                    "synthesis_model": "synthesis_model",
                    "val_frames": "cityscapes_val",
                    "params": "params:reference_example",
                    "segmentation_evaluation": "params:reference_segmentation.evaluation",
                    "synthesis_evaluation": "params:reference_synthesis.evaluation",
                },
                outputs="reference_models_example",
                name="draw_reference_example_node",
            ),
        ],
        tags="reference_models",
    )
