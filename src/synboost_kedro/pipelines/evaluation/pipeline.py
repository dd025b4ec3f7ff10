"""Pipeline ``evaluation``: one namespace per evaluation set, then one report over all of them."""

from kedro.pipeline import Node, Pipeline

from synboost_kedro.pipelines.bound import bound
from synboost_kedro.pipelines.dissimilarity_input import PARAMETER
from synboost_kedro.pipelines.evaluation.nodes import (
    build_report,
    measure_set,
    render_overlays,
    score_set,
    select_fusion_weights,
)
from synboost_kedro.pipelines.sets import SELECTION_SET, Benchmark, shared_dataset

_PARAMETERS = {"params:evaluation", PARAMETER}
_SHARED = {"dissimilarity_model", "fusion_weights"}


def _set_pipeline(benchmark: Benchmark) -> Pipeline:
    set_name = benchmark.name
    nodes = [
        Node(
            score_set,
            inputs=[
                "benchmark_frames",
                "maps",
                "dissimilarity_model",
                "params:evaluation",
                PARAMETER,
            ],
            outputs="scores",
            name="score",
        ),
        Node(
            bound(measure_set, track=benchmark.track),
            inputs=["benchmark_frames", "scores", "fusion_weights", "params:evaluation"],
            outputs="results",
            name="measure",
        ),
        Node(
            bound(render_overlays, set_name=set_name),
            inputs=["benchmark_frames", "scores", "fusion_weights", "results", "params:evaluation"],
            outputs="overlays",
            name="render_overlays",
        ),
    ]
    return Pipeline(
        nodes,
        namespace=set_name,
        inputs={
            **{name: name for name in _SHARED},
            "benchmark_frames": shared_dataset(set_name, "benchmark_frames"),
            "maps": shared_dataset(set_name, "maps"),
        },
        outputs={"results": shared_dataset(set_name, "results")},
        parameters=_PARAMETERS,
    )


def create_pipeline(benchmarks: tuple[Benchmark, ...], **kwargs) -> Pipeline:
    """Scores, metrics and overlays of every configured benchmark, and one report over them."""
    weights = Pipeline(
        [
            Node(
                select_fusion_weights,
                inputs=["frames", "maps", "dissimilarity_model", "params:evaluation", PARAMETER],
                outputs="fusion_weights",
                name="select_fusion_weights",
            )
        ],
        # Its own namespace: in `train`, the selection set's namespace would be split by the
        # training node between its maps and this node (a Kedro warning, and a broken viz group).
        namespace="fusion_weight_selection",
        inputs={
            "dissimilarity_model": "dissimilarity_model",
            "frames": shared_dataset(SELECTION_SET, "benchmark_frames"),
            "maps": shared_dataset(SELECTION_SET, "maps"),
        },
        outputs={"fusion_weights"},
        parameters=_PARAMETERS,
    )
    report = Node(
        build_report,
        inputs={
            "fusion_weights": "fusion_weights",
            **{
                benchmark.name: shared_dataset(benchmark.name, "results")
                for benchmark in benchmarks
            },
        },
        outputs=[
            "evaluation_table_csv",
            "evaluation_table_markdown",
            "evaluation_metrics",
            "evaluation_pr_curves",
            "evaluation_roc_curves",
        ],
        name="build_report",
    )
    return Pipeline(
        [weights, *(_set_pipeline(benchmark) for benchmark in benchmarks), report],
        tags="evaluation",
    )
