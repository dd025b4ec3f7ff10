"""Pipeline ``ablation``: one namespace per trained network (``ablation.<network>``), then one
table over the variants. Not part of the default run: ``kedro run --pipelines ablation``.

It reads what the default run wrote (the label-swapped training set and its maps, the anomaly
sets and their maps, the reference networks) and adds the void-only training set and its maps.
"""

from kedro.pipeline import Node, Pipeline

from synboost_kedro.evaluation import FUSION_METHOD
from synboost_kedro.pipelines.ablation.nodes import (
    NETWORKS,
    VARIANTS,
    VOID_ONLY,
    anomaly_probability_alone,
    build_ablation_report,
    collect_network,
    train_network,
    variant_training_params,
    void_only_frames,
)
from synboost_kedro.pipelines.bound import bound
from synboost_kedro.pipelines.dissimilarity_input import PARAMETER
from synboost_kedro.pipelines.evaluation.nodes import measure_set, score_set, select_fusion_weights
from synboost_kedro.pipelines.sets import SELECTION_SET, TRAINING_SETS, Benchmark, shared_dataset
from synboost_kedro.pipelines.uncertainty_maps.nodes import (
    build_perceptual_network,
    plan_uncertainty_maps,
)
from synboost_kedro.uncertainty import SynthesisLabels

(TRAIN_SET,) = TRAINING_SETS
_FUSED_NETWORKS = {
    variant.network for variant in VARIANTS.values() if variant.method == FUSION_METHOD
}
#: The table (CSV, Markdown) and one nested MLflow run per variant.
REPORT_OUTPUTS = ("ablation_table_csv", "ablation_table_markdown", "ablation_runs")
_PARAMETERS = {"params:dissimilarity_training", "params:ablation", "params:evaluation", PARAMETER}
#: Parameters read only to make the void-only training set.
_PREPARATION_PARAMETERS = {"params:data_preparation", "params:uncertainty_maps"}


def _void_only_training_set() -> list[Node]:
    """The label ids of the training split without swapped instances, and their maps
    (re-synthesised from those labels, as for the label-swapped set)."""
    return [
        Node(
            void_only_frames,
            inputs=["cityscapes_train", "params:data_preparation"],
            outputs="training_frames",
            name="prepare_void_only_frames",
        ),
        Node(
            bound(plan_uncertainty_maps, synthesis_labels=SynthesisLabels.ANNOTATION),
            inputs={
                "frames": "training_frames",
                "segmentation_model": "segmentation_model",
                "synthesis_model": "synthesis_model",
                "perceptual_network": "perceptual_network",
                "params": "params:uncertainty_maps",
            },
            outputs="training_maps",
            name="compute_void_only_maps",
        ),
    ]


def _fusion_weights(network: str) -> Node:
    if network not in _FUSED_NETWORKS:
        return Node(anomaly_probability_alone, None, "fusion_weights", name="no_fusion")
    return Node(
        select_fusion_weights,
        inputs=["selection_frames", "selection_maps", "model", "params:evaluation", PARAMETER],
        outputs="fusion_weights",
        name="select_fusion_weights",
    )


def _scored_set(benchmark: Benchmark) -> list[Node]:
    set_name = benchmark.name
    frames = shared_dataset(set_name, "benchmark_frames")
    return [
        Node(
            score_set,
            inputs=[frames, shared_dataset(set_name, "maps"), "model"]
            + ["params:evaluation", PARAMETER],
            outputs=f"{set_name}__scores",
            name=f"score_{set_name}",
        ),
        Node(
            bound(measure_set, track=benchmark.track),
            inputs=[frames, f"{set_name}__scores", "fusion_weights", "params:evaluation"],
            outputs=shared_dataset(set_name, "results"),
            name=f"measure_{set_name}",
        ),
    ]


def _network_pipeline(network: str, benchmarks: tuple[Benchmark, ...]) -> Pipeline:
    set_names = [benchmark.name for benchmark in benchmarks]
    nodes = [
        Node(
            bound(variant_training_params, network=network),
            inputs=["params:dissimilarity_training", "params:ablation"],
            outputs="training_params",
            name="training_params",
        ),
        Node(
            train_network,
            inputs={
                "train_frames": "training_frames",
                "train_maps": "training_maps",
                "val_frames": "selection_frames",
                "val_maps": "selection_maps",
                "params": "training_params",
                "perceptual_params": PARAMETER,
            },
            outputs=["model", "summary"],
            name="train",
        ),
        _fusion_weights(network),
        *(node for benchmark in benchmarks for node in _scored_set(benchmark)),
        Node(
            collect_network,
            inputs={
                "summary": "summary",
                "fusion_weights": "fusion_weights",
                "training_params": "training_params",
                **{set_name: shared_dataset(set_name, "results") for set_name in set_names},
            },
            outputs="measured",
            name="collect",
        ),
    ]
    parameters = set(_PARAMETERS)
    shared = {
        "selection_frames": shared_dataset(SELECTION_SET, "benchmark_frames"),
        "selection_maps": shared_dataset(SELECTION_SET, "maps"),
        **{
            shared_dataset(set_name, kind): shared_dataset(set_name, kind)
            for set_name in set_names
            for kind in ("benchmark_frames", "maps")
        },
    }
    if network == VOID_ONLY:
        nodes += _void_only_training_set()
        parameters |= _PREPARATION_PARAMETERS
        shared |= {
            name: name
            for name in ("cityscapes_train", "segmentation_model", "synthesis_model")
            + ("perceptual_network",)
        }
    else:
        shared |= {
            "training_frames": shared_dataset(TRAIN_SET, "swapped_frames"),
            "training_maps": shared_dataset(TRAIN_SET, "maps"),
        }
    return Pipeline(
        nodes,
        namespace=network,
        inputs=shared,
        outputs={"measured": f"{network}__measured"},
        parameters=parameters,
    )


def create_pipeline(benchmarks: tuple[Benchmark, ...], **kwargs) -> Pipeline:
    """Every variant trained, then scored on every configured benchmark (``sets.py``)."""
    perceptual = Node(
        build_perceptual_network,
        inputs=["params:uncertainty_maps", "hed_vgg16_report"],
        outputs="perceptual_network",
        name="build_perceptual_network",
    )
    report = Node(
        build_ablation_report,
        inputs={network: f"{network}__measured" for network in NETWORKS},
        outputs=list(REPORT_OUTPUTS),
        name="build_report",
    )
    networks = (_network_pipeline(network, benchmarks) for network in NETWORKS)
    template = Pipeline([perceptual, *networks, report])
    external = {name for name in template.inputs() if name != "perceptual_network"}
    return Pipeline(
        template,
        namespace="ablation",
        inputs={name for name in external if not name.startswith("params:")},
        outputs=set(REPORT_OUTPUTS),
        parameters={name for name in external if name.startswith("params:")},
        tags="ablation",
    )
