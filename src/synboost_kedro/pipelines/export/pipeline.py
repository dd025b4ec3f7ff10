"""Pipeline ``export``."""

from kedro.pipeline import Node, Pipeline

from synboost_kedro.pipelines.export.nodes import (
    export_dissimilarity,
    export_segmentation,
    export_synthesis,
    report_export,
)

_EXPORTERS = {
    "segmentation": export_segmentation,
    "synthesis": export_synthesis,
    "dissimilarity": export_dissimilarity,
}


def create_pipeline(**kwargs) -> Pipeline:
    exports = [
        Node(
            func=export,
            inputs=[f"{kind}_model", "params:export"],
            outputs=[f"{kind}_onnx", f"{kind}_onnx_check"],
            name=f"export_{kind}_node",
        )
        for kind, export in _EXPORTERS.items()
    ]
    report = Node(
        func=report_export,
        inputs={kind: f"{kind}_onnx_check" for kind in _EXPORTERS},
        outputs=["onnx_export_report", "onnx_export_metrics"],
        name="report_export_node",
    )
    return Pipeline([*exports, report], tags="export")
