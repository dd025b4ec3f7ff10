"""Pipeline ``dissimilarity_training``."""

from kedro.pipeline import Node, Pipeline

from synboost_kedro.pipelines.dissimilarity_input import PARAMETER
from synboost_kedro.pipelines.dissimilarity_training.nodes import (
    compute_class_weights,
    metric_histories,
    train_dissimilarity_model,
)
from synboost_kedro.pipelines.sets import SELECTION_SET, TRAINING_SETS, shared_dataset

(TRAIN_SET,) = TRAINING_SETS


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=compute_class_weights,
                inputs=[
                    shared_dataset(TRAIN_SET, "swapped_frames"),
                    "params:dissimilarity_training",
                    PARAMETER,
                ],
                outputs="dissimilarity_class_weights",
                name="compute_dissimilarity_class_weights_node",
            ),
            Node(
                func=train_dissimilarity_model,
                inputs={
                    "train_frames": shared_dataset(TRAIN_SET, "swapped_frames"),
                    "train_maps": shared_dataset(TRAIN_SET, "maps"),
                    "val_frames": shared_dataset(SELECTION_SET, "benchmark_frames"),
                    "val_maps": shared_dataset(SELECTION_SET, "maps"),
                    "class_weights": "dissimilarity_class_weights",
                    "params": "params:dissimilarity_training",
                    "perceptual_params": PARAMETER,
                },
                outputs=[
                    "dissimilarity_model",
                    "dissimilarity_mlflow_model",
                    "dissimilarity_training_summary",
                ],
                name="train_dissimilarity_model_node",
            ),
            Node(
                func=metric_histories,
                inputs=["dissimilarity_training_summary", "dissimilarity_class_weights"],
                outputs="dissimilarity_training_metrics",
                name="log_dissimilarity_training_metrics_node",
            ),
        ],
        tags="dissimilarity_training",
    )
