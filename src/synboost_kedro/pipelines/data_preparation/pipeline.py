"""Pipeline ``data_preparation``: one namespace per data set, so kedro-viz draws each as a group.

Models are selected on the validation anomaly set (``sets.SELECTION_SET``), never on an evaluation
benchmark (the original selected checkpoints on its test sets).
"""

from kedro.pipeline import Node, Pipeline

from synboost_kedro.pipelines.data_preparation.nodes import (
    convert_benchmark_labels,
    swap_instance_labels,
)
from synboost_kedro.pipelines.sets import (
    TRAINING_SETS,
    Benchmark,
    anomaly_sets,
    shared_dataset,
)

#: The Cityscapes split each training set is made from.
CITYSCAPES_SOURCES: dict[str, str] = {"dissimilarity_train": "cityscapes_train"}


def _training_set(name: str) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=swap_instance_labels,
                inputs=["cityscapes_frames", "params:data_preparation"],
                outputs="swapped_frames",
                name="swap_instance_labels_node",
            )
        ],
        namespace=name,
        inputs={"cityscapes_frames": CITYSCAPES_SOURCES[name]},
        outputs={"swapped_frames": shared_dataset(name, "swapped_frames")},
        parameters={"params:data_preparation": "params:data_preparation"},
    )


def _evaluation_set(name: str) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=convert_benchmark_labels,
                inputs="raw",
                outputs="benchmark_frames",
                name="convert_benchmark_labels_node",
            )
        ],
        namespace=name,
        outputs={"benchmark_frames": shared_dataset(name, "benchmark_frames")},
    )


def create_pipeline(benchmarks: tuple[Benchmark, ...], **kwargs) -> Pipeline:
    """The training sets, the selection set and every configured benchmark (``sets.py``)."""
    return Pipeline(
        [
            *(_training_set(name) for name in TRAINING_SETS),
            *(_evaluation_set(name) for name in anomaly_sets(benchmarks)),
        ],
        tags="data_preparation",
    )
