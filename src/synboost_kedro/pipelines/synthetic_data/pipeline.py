"""Pipeline ``synthetic_data``."""

from functools import partial, update_wrapper

from kedro.pipeline import Node, Pipeline

from synboost_kedro.pipelines.synthetic_data.nodes import (
    generate_anomaly_set,
    generate_cityscapes_split,
)


def _bound(func, **kwargs):
    return update_wrapper(partial(func, **kwargs), func)


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            *(
                Node(
                    func=_bound(generate_cityscapes_split, split=split),
                    inputs="params:synthetic_data",
                    outputs=f"cityscapes_{split}",
                    name=f"generate_cityscapes_{split}_node",
                )
                for split in ("train", "val")
            ),
            Node(
                func=_bound(generate_anomaly_set, style="lost_and_found"),
                inputs="params:synthetic_data",
                outputs="fs_lost_and_found.raw",
                name="generate_lost_and_found_set_node",
            ),
            Node(
                func=_bound(generate_anomaly_set, style="road_anomaly"),
                inputs="params:synthetic_data",
                outputs="smiyc_road_anomaly.raw",
                name="generate_road_anomaly_set_node",
            ),
        ],
        tags="synthetic_data",
    )
