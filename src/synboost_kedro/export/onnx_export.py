"""ONNX export of a torch network and its equivalence check against torch with ONNX Runtime.

The export uses torch's TorchScript-based exporter (``dynamo=False``) at its newest opset. The
``torch.export``-based exporter (``dynamo=True``, torch's default since 2.9) needs the
``onnxscript`` package, which this project does not depend on, so it cannot run offline here;
the TorchScript exporter handles every network of the project without patching torch (the
original SynBoost overwrote ``symbolic_opset11.py`` for ``im2col``; our CC-FPSE conditional
convolution is a sum of nine shifted products instead of an unfold, which needs no such symbolic).
"""

from __future__ import annotations

import dataclasses
import io
import logging
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import onnx
import onnxruntime
import torch
from torch import nn

from synboost_kedro.utils import atomic_path

logger = logging.getLogger(__name__)

#: The newest opset of torch's TorchScript-based exporter.
ONNX_OPSET = 20
#: Largest accepted ``max |onnx - torch|`` over every output element.
DEFAULT_TOLERANCE = 1e-4

#: Draws a random tensor of the given shape from the generator.
Sampler = Callable[[tuple[int, ...], torch.Generator], torch.Tensor]


@dataclasses.dataclass(frozen=True)
class TensorSpec:
    """A named input or output of an exported network.

    Attributes:
        name: The ONNX graph name.
        shape: One entry per axis: an ``int`` for a fixed size, a ``str`` naming a dynamic axis
            (``"batch"``, ``"height"``, ``"width"``), or ``None`` for a fixed size only the
            network knows (output channels).
        sample: How to draw random values for this input (inputs only).
    """

    name: str
    shape: tuple[int | str | None, ...]
    sample: Sampler | None = None

    @property
    def dynamic_axes(self) -> dict[int, str]:
        """The dynamic axes, by position, as ``torch.onnx.export`` takes them."""
        return {axis: size for axis, size in enumerate(self.shape) if isinstance(size, str)}

    def concrete_shape(self, sizes: Mapping[str, int]) -> tuple[int, ...]:
        """The shape with every dynamic axis set from ``sizes``.

        Raises:
            ValueError: an axis has no concrete size (``None``, or a name missing from ``sizes``).
        """
        shape = []
        for size in self.shape:
            if isinstance(size, str) and size not in sizes:
                raise ValueError(f"no size given for axis '{size}' of '{self.name}'")
            concrete = sizes[size] if isinstance(size, str) else size
            if concrete is None:
                raise ValueError(f"'{self.name}' has an axis of unknown size")
            shape.append(int(concrete))
        return tuple(shape)


@dataclasses.dataclass(frozen=True)
class OnnxExportSpec:
    """A network with a plain tensor interface, ready for export.

    Attributes:
        name: Name of the network (also of its ``.onnx`` file and its check results).
        module: ``forward`` takes the inputs positionally, in order, and returns the outputs (a
            tensor or a tuple of tensors, in order).
        inputs: The inputs; each needs a ``sample``.
        outputs: The outputs.
    """

    name: str
    module: nn.Module
    inputs: tuple[TensorSpec, ...]
    outputs: tuple[TensorSpec, ...]

    def __post_init__(self) -> None:
        missing = [spec.name for spec in self.inputs if spec.sample is None]
        if missing:
            raise ValueError(f"inputs {missing} of '{self.name}' have no sampler")

    def sample_inputs(self, sizes: Mapping[str, int], generator: torch.Generator) -> tuple:
        """Random inputs at ``sizes`` (``{"batch": 1, "height": 64, ...}``), in input order."""
        return tuple(spec.sample(spec.concrete_shape(sizes), generator) for spec in self.inputs)


@dataclasses.dataclass(frozen=True)
class EquivalenceResult:
    """Outcome of :func:`check_onnx_equivalence`.

    Attributes:
        network: Name of the network.
        max_abs_diff: Largest ``|onnx - torch|`` over every output element and checked size.
        reference_max_abs: Largest ``|torch|`` output, for scale.
        tolerance: The tolerance checked against.
        checked_inputs: Input shapes of every checked run, by input name.
    """

    network: str
    max_abs_diff: float
    reference_max_abs: float
    tolerance: float
    checked_inputs: tuple[dict[str, list[int]], ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready dict."""
        return dataclasses.asdict(self)


class OnnxEquivalenceError(RuntimeError):
    """The ONNX graph's outputs differ from torch's by more than the tolerance."""


def check_sizes(height: int, width: int) -> tuple[dict[str, int], ...]:
    """The sizes to export at and check: batch 1 at ``height×width``, then batch 2 transposed.

    The second run changes every dynamic axis, so a size frozen into the graph during tracing
    shows up as an error or a difference.
    """
    return (
        {"batch": 1, "height": height, "width": width},
        {"batch": 2, "height": width, "width": height},
    )


def export_to_onnx(
    spec: OnnxExportSpec, sizes: Mapping[str, int], *, seed: int = 0, opset: int = ONNX_OPSET
) -> onnx.ModelProto:
    """Export ``spec.module``, traced on random inputs at ``sizes``, and validate the graph.

    The module is put in eval mode (and left there). Axes named in the specs stay dynamic.

    Args:
        spec: The network and its interface.
        sizes: Concrete sizes of the named axes used for tracing.
        seed: Seed of the tracing inputs.
        opset: ONNX opset.

    Returns:
        The model, checked by ``onnx.checker``.

    Raises:
        ValueError: the graph lacks an input of the spec (the network does not use it).
    """
    module = spec.module.eval()
    example = spec.sample_inputs(sizes, torch.Generator().manual_seed(seed))
    buffer = io.BytesIO()
    with torch.no_grad(), warnings.catch_warnings():
        # Tracing warns about shape checks it freezes (the graph drops them) and about the
        # TorchScript exporter's deprecation (see the module docstring for why it is used).
        warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"torch\.onnx")
        warnings.filterwarnings("ignore", message=".*legacy TorchScript-based ONNX export")
        torch.onnx.export(
            module,
            example,
            buffer,
            input_names=[tensor.name for tensor in spec.inputs],
            output_names=[tensor.name for tensor in spec.outputs],
            dynamic_axes={
                tensor.name: tensor.dynamic_axes
                for tensor in (*spec.inputs, *spec.outputs)
                if tensor.dynamic_axes
            },
            opset_version=opset,
            dynamo=False,
        )
    model = onnx.load_model_from_string(buffer.getvalue())
    graph_inputs = [value.name for value in model.graph.input]
    unused = [tensor.name for tensor in spec.inputs if tensor.name not in graph_inputs]
    if unused:
        raise ValueError(
            f"'{spec.name}' does not use its inputs {unused}; the exporter dropped them, so "
            "remove them from the interface"
        )
    onnx.checker.check_model(model, full_check=True)
    logger.info(
        "Exported '%s' to ONNX (opset %d, %.1f MB)", spec.name, opset, model.ByteSize() / 1e6
    )
    return model


def save_onnx(model: onnx.ModelProto, path: str | os.PathLike) -> None:
    """Write ``model`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        onnx.save_model(model, tmp)


def check_onnx_equivalence(
    spec: OnnxExportSpec,
    model: onnx.ModelProto,
    sizes: Sequence[Mapping[str, int]],
    *,
    seed: int = 0,
    tolerance: float = DEFAULT_TOLERANCE,
) -> EquivalenceResult:
    """Run torch and ONNX Runtime (CPU) on the same seeded random inputs and compare.

    Args:
        spec: The exported network and its interface.
        model: Its ONNX export.
        sizes: One dict of axis sizes per run (see :func:`check_sizes`).
        seed: Seed of the random inputs.
        tolerance: Largest accepted absolute difference.

    Returns:
        The largest difference and the checked shapes.

    Raises:
        OnnxEquivalenceError: the difference exceeds ``tolerance``; the message names the network,
            the output, the difference and the input shapes.
    """
    session = onnxruntime.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    generator = torch.Generator().manual_seed(seed)
    module = spec.module.eval()
    max_diff, reference_max, checked = 0.0, 0.0, []
    for run_sizes in sizes:
        inputs = dict(zip(spec.inputs, spec.sample_inputs(run_sizes, generator), strict=True))
        shapes = {tensor.name: list(value.shape) for tensor, value in inputs.items()}
        with torch.no_grad():
            expected = module(*inputs.values())
        expected = (expected,) if isinstance(expected, torch.Tensor) else tuple(expected)
        actual = session.run(
            [tensor.name for tensor in spec.outputs],
            {tensor.name: value.numpy() for tensor, value in inputs.items()},
        )
        for output, reference, result in zip(spec.outputs, expected, actual, strict=True):
            diff = _max_abs_diff(result, reference.numpy(), f"'{spec.name}' output '{output.name}'")
            if not diff <= tolerance:  # also catches NaN
                raise OnnxEquivalenceError(
                    f"ONNX '{spec.name}' output '{output.name}' differs from torch by {diff:.3g} "
                    f"(tolerance {tolerance:g}) for inputs {shapes}"
                )
            max_diff = max(max_diff, diff)
            reference_max = max(reference_max, float(reference.abs().max()))
        checked.append(shapes)
    logger.info("ONNX '%s' matches torch: max |diff| %.3g", spec.name, max_diff)
    return EquivalenceResult(spec.name, max_diff, reference_max, tolerance, tuple(checked))


def _max_abs_diff(actual: np.ndarray, expected: np.ndarray, what: str) -> float:
    if actual.shape != expected.shape:
        raise OnnxEquivalenceError(
            f"ONNX {what} has shape {list(actual.shape)}, torch {list(expected.shape)}"
        )
    return float(np.abs(actual - expected).max())
