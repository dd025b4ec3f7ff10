"""The export core on tiny hand-made modules: specs, export, atomic save, equivalence check."""

from __future__ import annotations

from pathlib import Path

import onnx
import pytest
import torch
from torch import nn

from synboost_kedro.export import (
    ONNX_OPSET,
    OnnxEquivalenceError,
    OnnxExportSpec,
    TensorSpec,
    check_onnx_equivalence,
    check_sizes,
    export_to_onnx,
    save_onnx,
)


def _normal(shape, generator):
    return torch.randn(shape, generator=generator)


class ConvThenMean(nn.Module):
    """Two outputs: a conv map (dynamic size) and a per-image mean."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)

    def forward(self, image: torch.Tensor, offset: torch.Tensor) -> tuple[torch.Tensor, ...]:
        features = self.conv(image) + offset
        return features, features.mean(dim=(1, 2, 3))


def _spec(module: nn.Module | None = None) -> OnnxExportSpec:
    torch.manual_seed(0)
    return OnnxExportSpec(
        "toy",
        module or ConvThenMean(),
        inputs=(
            TensorSpec("image", ("batch", 3, "height", "width"), _normal),
            TensorSpec("offset", (1,), _normal),
        ),
        outputs=(
            TensorSpec("features", ("batch", None, "height", "width")),
            TensorSpec("mean", ("batch",)),
        ),
    )


def _dims(value: onnx.ValueInfoProto) -> list[str | int]:
    return [dim.dim_param or dim.dim_value for dim in value.type.tensor_type.shape.dim]


def test_tensor_spec_names_dynamic_axes_and_fills_sizes():
    spec = TensorSpec("image", ("batch", 3, "height", "width"), _normal)
    assert spec.dynamic_axes == {0: "batch", 2: "height", 3: "width"}
    assert spec.concrete_shape({"batch": 2, "height": 8, "width": 4}) == (2, 3, 8, 4)
    with pytest.raises(ValueError, match="axis 'width' of 'image'"):
        spec.concrete_shape({"batch": 2, "height": 8})
    with pytest.raises(ValueError, match="'logits' has an axis of unknown size"):
        TensorSpec("logits", ("batch", None)).concrete_shape({"batch": 1})


def test_spec_requires_a_sampler_for_every_input():
    with pytest.raises(ValueError, match=r"inputs \['image'\] of 'toy' have no sampler"):
        OnnxExportSpec("toy", ConvThenMean(), (TensorSpec("image", (1, 3, 4, 4)),), ())


def test_check_sizes_change_every_dynamic_axis():
    first, second = check_sizes(16, 32)
    assert first == {"batch": 1, "height": 16, "width": 32}
    assert second == {"batch": 2, "height": 32, "width": 16}


def test_export_keeps_names_and_dynamic_axes_and_passes_the_checker():
    spec = _spec()
    model = export_to_onnx(spec, {"batch": 1, "height": 8, "width": 16})
    onnx.checker.check_model(model, full_check=True)
    assert model.opset_import[0].version == ONNX_OPSET
    inputs = {value.name: _dims(value) for value in model.graph.input}
    outputs = {value.name: _dims(value) for value in model.graph.output}
    assert inputs == {"image": ["batch", 3, "height", "width"], "offset": [1]}
    assert outputs == {"features": ["batch", 4, "height", "width"], "mean": ["batch"]}


def test_equivalence_holds_at_other_sizes_and_reports_them():
    spec = _spec()
    sizes = check_sizes(8, 16)
    result = check_onnx_equivalence(spec, export_to_onnx(spec, sizes[0]), sizes, seed=3)
    assert result.network == "toy"
    assert 0 <= result.max_abs_diff <= 1e-5
    assert result.reference_max_abs > 0.1
    assert result.checked_inputs == (
        {"image": [1, 3, 8, 16], "offset": [1]},
        {"image": [2, 3, 16, 8], "offset": [1]},
    )
    assert result.to_dict()["tolerance"] == 1e-4


def test_a_difference_above_the_tolerance_names_the_network_and_output():
    spec = _spec()
    sizes = check_sizes(8, 8)
    exported = export_to_onnx(spec, sizes[0])
    with torch.no_grad():
        spec.module.conv.bias.add_(1e-3)  # torch now disagrees with the exported weights
    with pytest.raises(OnnxEquivalenceError, match=r"'toy' output 'features' differs .* by 0\.001"):
        check_onnx_equivalence(spec, exported, sizes)
    result = check_onnx_equivalence(spec, exported, sizes, tolerance=2e-3)
    assert result.max_abs_diff == pytest.approx(1e-3, rel=1e-3)


def test_an_input_the_network_ignores_is_refused():
    class IgnoresOffset(ConvThenMean):
        def forward(self, image, offset):
            return super().forward(image, torch.zeros(1))

    with pytest.raises(ValueError, match=r"does not use its inputs \['offset'\]"):
        export_to_onnx(_spec(IgnoresOffset()), {"batch": 1, "height": 4, "width": 4})


def test_export_leaves_the_module_in_eval_mode():
    spec = _spec()
    spec.module.train()
    export_to_onnx(spec, {"batch": 1, "height": 4, "width": 4})
    assert not spec.module.training


def test_save_onnx_writes_atomically(tmp_path: Path):
    spec = _spec()
    model = export_to_onnx(spec, {"batch": 1, "height": 4, "width": 4})
    target = tmp_path / "onnx" / "toy.onnx"
    save_onnx(model, target)
    assert onnx.load_model(target) == model
    assert [path.name for path in target.parent.iterdir()] == ["toy.onnx"]
