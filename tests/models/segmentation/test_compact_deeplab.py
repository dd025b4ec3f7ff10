import pytest
import torch

from synboost_kedro.models.segmentation import create_segmentation_model

# Every segmentation architecture this project trains itself (the original WRN38 has its own tests).
TRAINABLE_ARCHITECTURES = ["compact_deeplab", "lraspp_mobilenet_v3", "deeplabv3_mobilenet_v3"]


@pytest.mark.parametrize("architecture", TRAINABLE_ARCHITECTURES)
def test_logits_at_input_resolution_with_gradients(architecture):
    torch.manual_seed(0)
    model = create_segmentation_model(architecture)
    image = torch.randn(2, 3, 40, 72)

    logits = model(image)
    logits.logsumexp(dim=1).mean().backward()

    assert logits.shape == (2, 19, 40, 72)
    assert all(p.grad is not None for p in model.parameters() if p.requires_grad)


def test_compact_deeplab_options_change_the_network():
    model = create_segmentation_model(
        "compact_deeplab", num_classes=5, stage_channels=(8, 8, 16), skip_stage=0
    )

    assert model(torch.randn(1, 3, 32, 32)).shape == (1, 5, 32, 32)


def test_compact_deeplab_rejects_a_skip_from_the_last_stage():
    with pytest.raises(ValueError, match="skip_stage"):
        create_segmentation_model("compact_deeplab", stage_channels=(8, 16), skip_stage=1)


def test_downsampled_input_still_gives_logits_at_input_resolution():
    model = create_segmentation_model("compact_deeplab", input_downsample=2)

    assert model(torch.randn(1, 3, 66, 98)).shape == (1, 19, 66, 98)
