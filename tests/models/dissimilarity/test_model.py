"""DissimilarityNet: original state-dict layout, every variant's forward/backward, fast CPU path."""

from __future__ import annotations

import copy

import pytest
import torch
import torch.nn.functional as F

from synboost_kedro.models.dissimilarity import DissimilarityConfig, DissimilarityNet
from synboost_kedro.models.dissimilarity.model import PRIOR_SKIP_GAIN
from synboost_kedro.models.dissimilarity.spade import Spade

from .conftest import MANIFEST_NAMES, make_inputs, read_manifest

VARIANTS = {
    "ours": DissimilarityConfig.preset("ours"),
    "baseline": DissimilarityConfig.preset("baseline"),
    "no correlation": DissimilarityConfig(correlation=False),
    "no semantic, no prior": DissimilarityConfig(semantic=False, prior=False, spade=""),
    "semantic, unused prior encoder": DissimilarityConfig(prior=False, unused_prior_encoder=True),
    "spade encoder": DissimilarityConfig(spade="encoder"),
    "spade both": DissimilarityConfig(spade="both", correlation=False),
    "vgg16_bn": DissimilarityConfig(architecture="vgg16_bn"),
    "vgg16_bn no prior, no spade": DissimilarityConfig(
        architecture="vgg16_bn", prior=False, spade=""
    ),
    "demo scale": DissimilarityConfig(channel_divisor=4, prior_skip=True),
}


@pytest.mark.parametrize("preset", ["ours", "baseline"])
def test_state_dict_matches_original_manifest(preset, reference_dir):
    expected, total = read_manifest(reference_dir / MANIFEST_NAMES[preset])
    state = DissimilarityNet(DissimilarityConfig.preset(preset)).state_dict()

    assert [(key, tuple(value.shape)) for key, value in state.items()] == expected
    assert sum(value.numel() for value in state.values()) == total


@pytest.mark.parametrize("name", list(VARIANTS))
def test_forward_and_backward_shapes(name):
    torch.manual_seed(0)
    model = DissimilarityNet(VARIANTS[name])
    inputs = make_inputs(batch=2)

    logits = model(**inputs)
    logits.square().mean().backward()

    assert logits.shape == (2, 2, 32, 64)
    assert torch.isfinite(logits).all()
    trained = [p for p in model.parameters() if p.grad is not None and p.grad.abs().sum() > 0]
    unused = (
        set(model.prior_encoder.parameters()) if name.endswith("unused prior encoder") else set()
    )
    assert len(trained) == len(list(model.parameters())) - len(unused)


def test_channel_divisor_keeps_every_key_and_divides_every_channel():
    full = DissimilarityNet(DissimilarityConfig()).state_dict()
    quarter = DissimilarityNet(DissimilarityConfig(channel_divisor=4)).state_dict()

    assert list(quarter) == list(full)
    for key, tensor in full.items():
        if tensor.dim() == 4:
            out_channels, in_channels = tensor.shape[:2]
            expected_out = out_channels if out_channels == 2 else out_channels // 4
            assert quarter[key].shape[0] == expected_out, key
            # Inputs keep their own width: images (3), semantics (19) and priors (3).
            assert quarter[key].shape[1] in (in_channels, in_channels // 4, 1 + in_channels // 4)


def test_prior_skip_adds_a_linear_path_from_the_priors_to_the_logits():
    torch.manual_seed(0)
    model = DissimilarityNet(DissimilarityConfig(channel_divisor=8, prior_skip=True)).eval()
    inputs = make_inputs(batch=1)
    with torch.no_grad():
        model.prior_skip.weight.zero_()
        model.prior_skip.bias.zero_()
        without = model(**inputs)
        model.prior_skip.weight[1, 1] = 2.0  # anomaly logit += 2 * mae

        with_skip = model(**inputs)

    torch.testing.assert_close(
        with_skip - without, torch.cat([0 * inputs["mae"], 2 * inputs["mae"]], 1)
    )
    assert set(DissimilarityNet(DissimilarityConfig()).state_dict()).isdisjoint(
        {"prior_skip.weight"}
    )
    with pytest.raises(ValueError, match="prior_skip=True requires prior=True"):
        DissimilarityConfig(prior=False, spade="", prior_skip=True)


def test_prior_path_starts_as_the_perceptual_cue():
    model = DissimilarityNet(DissimilarityConfig(channel_divisor=8, prior_skip=True)).eval()
    inputs = make_inputs(batch=1)
    with torch.no_grad():
        model.conv11.weight.zero_()
        model.conv11.bias.zero_()
        probability = torch.softmax(model(**inputs), dim=1)[:, 1:]

    gain = PRIOR_SKIP_GAIN
    torch.testing.assert_close(probability, torch.sigmoid(2 * gain * (inputs["mae"] - 0.5)))


def test_unused_prior_encoder_is_stored_but_not_needed():
    baseline = DissimilarityNet(DissimilarityConfig.preset("baseline")).state_dict()
    config = DissimilarityConfig(prior=False, spade="", unused_prior_encoder=True)
    state = DissimilarityNet(config).state_dict()

    extra = [key for key in state if key not in baseline]
    assert extra and all(key.startswith("prior_encoder.") for key in extra)
    assert sum(state[key].numel() for key in extra) == 1_558_656


def test_spade_encoder_keeps_original_layer_names():
    state = DissimilarityNet(DissimilarityConfig(spade="encoder")).state_dict()
    conv_keys = [k for k in state if k.startswith("vgg_encoder.slice") and k.endswith(".weight")]

    assert conv_keys == [
        f"vgg_encoder.{name}.weight"
        for name in (
            "slice1.0", "slice2.3", "slice4.7", "slice5.10", "slice7.14", "slice8.17",
            "slice9.20", "slice11.24", "slice12.27", "slice13.30",
        )
    ]  # fmt: skip
    assert [k for k in state if k.endswith("gamma.weight")][:10] == [
        f"vgg_encoder.norm_layer_{n}.gamma.weight" for n in range(1, 11)
    ]


def test_prior_without_semantic_fails_at_construction():
    with pytest.raises(ValueError, match="prior=True requires semantic=True"):
        DissimilarityConfig(semantic=False, prior=True)


def test_prior_network_demands_priors():
    inputs = make_inputs()
    del inputs["mae"]
    with pytest.raises(ValueError, match="pass entropy, mae and distance"):
        DissimilarityNet()(**inputs)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("synthesis", torch.zeros(1, 3, 32, 32), "synthesis shape"),
        ("semantic", torch.zeros(1, 18, 32, 64), "semantic must be"),
        ("entropy", torch.zeros(1, 2, 32, 64), "entropy must be"),
    ],
)
def test_bad_inputs_are_named(field, value, message):
    inputs = make_inputs()
    inputs[field] = value
    with pytest.raises(ValueError, match=message):
        DissimilarityNet()(**inputs)


def test_image_size_must_be_divisible_by_eight():
    with pytest.raises(ValueError, match="divisible by 8"):
        DissimilarityNet()(**make_inputs(height=36))


@pytest.mark.parametrize("name", ["ours", "spade encoder", "vgg16_bn"])
def test_optimize_for_cpu_keeps_outputs(name):
    torch.manual_seed(0)
    model = DissimilarityNet(VARIANTS[name]).eval()
    inputs = make_inputs(batch=2)
    with torch.inference_mode():
        expected = model(**inputs)
        optimised = copy.deepcopy(model).optimize_for_cpu()(**inputs)

    assert optimised.is_contiguous(memory_format=torch.channels_last)
    difference = (optimised - expected).abs().max() / expected.abs().max()
    assert difference < 1e-4


def test_shared_vgg_pass_equals_separate_passes():
    torch.manual_seed(0)
    model = DissimilarityNet().eval()
    inputs = make_inputs(batch=2)
    with torch.no_grad():
        real, synthetic = model._encode_images(
            inputs["image"], inputs["synthesis"], inputs["semantic"]
        )
        for level, separate in enumerate(model.vgg_encoder(inputs["synthesis"])):
            torch.testing.assert_close(synthetic[level], separate)
        torch.testing.assert_close(real[3], model.vgg_encoder(inputs["image"])[3])


def test_spade_matches_its_definition():
    torch.manual_seed(0)
    spade = Spade(channels=8, label_channels=19)
    features = torch.randn(2, 8, 8, 16)
    semantic = make_inputs(batch=2, height=16, width=32)["semantic"]

    segmap = F.interpolate(semantic, size=(8, 16), mode="nearest")
    hidden = spade.shared(segmap)
    expected = F.instance_norm(features) * (1 + spade.gamma(hidden)) + spade.beta(hidden)

    torch.testing.assert_close(spade(features, semantic), expected, rtol=1e-5, atol=1e-5)
