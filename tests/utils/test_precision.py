import pytest
import torch

from synboost_kedro.utils.precision import (
    CHOICES,
    Precision,
    check_precision,
    resolve_precision,
    scaled_step,
    scaler_state,
    without_default_precision,
)

CPU = torch.device("cpu")


def test_auto_is_float32_on_a_cpu_and_names_pass_through():
    assert resolve_precision("auto", CPU, "x.precision") == "fp32"
    for name in ("fp32", "bf16", "fp16"):
        assert resolve_precision(name, CPU, "x.precision") == name


@pytest.mark.parametrize("native", [True, False])
def test_auto_is_bf16_on_a_gpu_only_where_it_is_native(monkeypatch, native):
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda including_emulation: native)
    cuda = torch.device("cuda")

    assert resolve_precision("auto", cuda, "x.precision") == ("bf16" if native else "fp32")
    if not native:
        with pytest.raises(ValueError, match="x.precision is 'bf16' but this GPU has no native"):
            resolve_precision("bf16", cuda, "x.precision")


@pytest.mark.parametrize("name", ["float32", "FP32", None, 16])
def test_unknown_precisions_name_the_parameter_and_the_choices(name):
    with pytest.raises(ValueError, match=r"evaluation.precision must be one of \['fp32'"):
        check_precision(name, "evaluation.precision")
    with pytest.raises(ValueError, match="evaluation.precision"):
        resolve_precision(name, CPU, "evaluation.precision")
    assert set(CHOICES) == {"fp32", "bf16", "fp16", "auto"}


def test_autocast_runs_convolutions_in_the_lower_precision_and_fp32_untouched():
    convolution = torch.nn.Conv2d(3, 4, 3)
    image = torch.randn(1, 3, 8, 8)
    expected = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}
    for name, dtype in expected.items():
        with Precision(name).autocast():
            assert convolution(image).dtype == dtype
            assert torch.is_autocast_enabled("cpu") == (name != "fp32")
    assert convolution.weight.dtype == torch.float32


def _trained_weights(precision: str) -> torch.Tensor:
    torch.manual_seed(0)
    layer = torch.nn.Linear(4, 1)
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
    loss = layer(torch.ones(2, 4)).pow(2).mean()
    scaler = Precision(precision).grad_scaler()
    scaled_step(loss, optimizer, scaler)
    return layer.weight.detach()


def test_loss_scaling_only_in_fp16_and_the_step_is_the_unscaled_one():
    assert Precision("fp16").grad_scaler().is_enabled()
    assert not Precision("bf16").grad_scaler().is_enabled()
    assert not Precision("fp32").grad_scaler().is_enabled()

    torch.manual_seed(0)
    layer = torch.nn.Linear(4, 1)
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.1)
    layer(torch.ones(2, 4)).pow(2).mean().backward()
    optimizer.step()
    plain = layer.weight.detach()

    assert torch.equal(_trained_weights("fp32"), plain)
    # The fp16 scaler multiplies the loss by 2**16 and divides the gradients by it again.
    torch.testing.assert_close(_trained_weights("fp16"), plain)


def test_the_scaler_is_part_of_a_training_state_only_when_it_scales():
    fp16 = Precision("fp16").grad_scaler()
    assert scaler_state(fp16) == {"grad_scaler": fp16}
    assert scaler_state(fp16, "discriminator_grad_scaler") == {"discriminator_grad_scaler": fp16}
    assert scaler_state(Precision("bf16").grad_scaler()) == {}


def test_fingerprints_leave_out_only_the_default_precision():
    assert without_default_precision({"seed": 1, "precision": "fp32"}) == {"seed": 1}
    assert without_default_precision({"seed": 1, "precision": "bf16"}) == {
        "seed": 1,
        "precision": "bf16",
    }
    assert without_default_precision({"seed": 1}) == {"seed": 1}


def test_a_resolved_precision_refuses_auto_and_unknown_names():
    with pytest.raises(ValueError, match="precision must be one of"):
        Precision("auto")
    assert Precision.on("auto", CPU, "x.precision") == Precision("fp32", "cpu")
