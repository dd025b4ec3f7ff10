"""Kedro-free export of the project's networks to ONNX, checked against torch."""

from synboost_kedro.export.interfaces import (
    SPEC_BUILDERS,
    dissimilarity_spec,
    perceptual_spec,
    segmentation_spec,
    synthesis_spec,
)
from synboost_kedro.export.onnx_export import (
    DEFAULT_TOLERANCE,
    ONNX_OPSET,
    EquivalenceResult,
    OnnxEquivalenceError,
    OnnxExportSpec,
    TensorSpec,
    check_onnx_equivalence,
    check_sizes,
    export_to_onnx,
    save_onnx,
)

__all__ = [
    "DEFAULT_TOLERANCE",
    "ONNX_OPSET",
    "SPEC_BUILDERS",
    "EquivalenceResult",
    "OnnxEquivalenceError",
    "OnnxExportSpec",
    "TensorSpec",
    "check_onnx_equivalence",
    "check_sizes",
    "dissimilarity_spec",
    "export_to_onnx",
    "perceptual_spec",
    "save_onnx",
    "segmentation_spec",
    "synthesis_spec",
]
