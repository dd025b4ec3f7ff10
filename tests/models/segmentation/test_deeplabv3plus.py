import pytest
import torch

from synboost_kedro.models.segmentation import create_segmentation_model
from synboost_kedro.models.segmentation.deeplabv3plus import WRN38DeepLabV3Plus
from tests.models.conftest import SEGMENTATION_MANIFEST, describe_network, read_manifest


def test_state_dict_matches_the_release_manifest_key_for_key():
    with torch.device("meta"):
        network = WRN38DeepLabV3Plus()

    assert describe_network(network) == read_manifest(SEGMENTATION_MANIFEST)
    assert sum(p.numel() for p in network.parameters()) == 137_103_936


@pytest.fixture(scope="module")
def network() -> WRN38DeepLabV3Plus:
    torch.manual_seed(0)
    return create_segmentation_model("wrn38_deeplabv3plus")


def test_the_registry_builds_it_in_eval_mode(network: WRN38DeepLabV3Plus):
    assert isinstance(network, WRN38DeepLabV3Plus)
    assert not network.training


def test_feature_scales_follow_output_stride_8_with_the_fine_branch_at_half_resolution(
    network: WRN38DeepLabV3Plus,
):
    shapes = {}

    def record(name: str):
        def hook(_module, _inputs, output) -> None:
            shapes[name] = tuple(output.shape)

        return hook

    names = ("mod2", "mod7", "aspp", "bot_fine", "final")
    hooks = [getattr(network, name).register_forward_hook(record(name)) for name in names]
    try:
        with torch.inference_mode():
            logits = network(torch.randn(1, 3, 64, 64))
    finally:
        for hook in hooks:
            hook.remove()

    assert logits.shape == (1, 19, 64, 64)
    assert torch.isfinite(logits).all()
    assert shapes == {
        "mod2": (1, 128, 32, 32),
        "mod7": (1, 4096, 8, 8),
        "aspp": (1, 1280, 8, 8),
        "bot_fine": (1, 48, 32, 32),
        "final": (1, 19, 32, 32),
    }


def test_odd_input_sizes_give_logits_at_the_input_size(network: WRN38DeepLabV3Plus):
    with torch.inference_mode():
        logits = network(torch.randn(1, 3, 27, 45))

    assert logits.shape == (1, 19, 27, 45)


def test_cpu_optimisation_keeps_the_logits():
    torch.manual_seed(2)
    network = WRN38DeepLabV3Plus().eval()
    image = torch.randn(1, 3, 24, 40)
    with torch.inference_mode():
        expected = network(image)
        optimised = network.optimize_for_cpu()(image)

    torch.testing.assert_close(optimised, expected, rtol=1e-4, atol=1e-4)
