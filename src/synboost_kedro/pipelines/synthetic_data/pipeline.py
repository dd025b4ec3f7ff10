"""Pipeline ``synthetic_data``."""

from kedro.pipeline import Node, Pipeline

from synboost_kedro.pipelines.bound import bound
from synboost_kedro.pipelines.synthetic_data.nodes import (
    generate_anomaly_set,
    generate_cityscapes_split,
)

#: Style of the synthetic frames of each evaluation set.
ANOMALY_SET_STYLES = {
    "fs_lost_and_found": "lost_and_found",
    "smiyc_road_anomaly": "road_anomaly",
    "photo_objects": "photo_objects",
    "anomaly_val": "procedural_objects",
}


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            *(
                Node(
                    func=bound(generate_cityscapes_split, split=split),
                    inputs="params:synthetic_data",
                    outputs=f"cityscapes_{split}",
                    name=f"generate_cityscapes_{split}_node",
                )
                for split in ("train", "val")
            ),
            *(
                Pipeline(
                    [
                        Node(
                            func=bound(generate_anomaly_set, style=style),
                            inputs="params:synthetic_data",
                            outputs="raw",
                            name=f"generate_{style}_set_node",
                        )
                    ],
                    # The set's namespace, as in data_preparation: its `<set>.raw` entry and its
                    # viz group, without a dotted name Kedro would warn about.
                    namespace=set_name,
                    parameters={"params:synthetic_data"},
                )
                for set_name, style in ANOMALY_SET_STYLES.items()
            ),
        ],
        tags="synthetic_data",
    )
