"""VGG trunks: stage slicing, local ImageNet weights and the missing-weights message."""

from __future__ import annotations

import pytest
import torch

from synboost_kedro.models.checkpoints import MissingWeightsError
from synboost_kedro.models.encoders import VggEncoder, build_vgg_features

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.mark.parametrize(("architecture", "last_index"), [("vgg16", 23), ("vgg16_bn", 33)])
def test_stages_are_the_features_up_to_relu4_3(architecture, last_index):
    torch.manual_seed(0)
    encoder = VggEncoder(architecture).eval()
    image = torch.randn(1, 3, 32, 64)

    stages = encoder(image)
    trunk = torch.nn.Sequential(*[layer for stage in encoder.children() for layer in stage])

    assert [tuple(s.shape[1:]) for s in stages] == [
        (64, 32, 64), (128, 16, 32), (256, 8, 16), (512, 4, 8),
    ]  # fmt: skip
    assert len(trunk) == last_index
    torch.testing.assert_close(stages[3], trunk(image))


def test_stage_keys_follow_the_original_layout():
    keys = [key for key in VggEncoder("vgg16").state_dict() if key.endswith("weight")]
    assert keys[:3] == ["layer1.0.weight", "layer1.2.weight", "layer2.1.weight"]
    assert keys[-1] == "layer4.5.weight"


def test_local_weights_are_loaded(tmp_path):
    torch.manual_seed(0)
    features = build_vgg_features("vgg16", None)
    state = {f"features.{key}": value for key, value in features.state_dict().items()}
    state["classifier.0.weight"] = torch.zeros(1)  # the full-VGG file's head is ignored
    path = tmp_path / "vgg16_imagenet.pth"
    torch.save(state, path)

    encoder = VggEncoder("vgg16", weights_path=path)

    assert torch.equal(encoder.layer4[5].weight, features[21].weight)


def test_weights_of_another_architecture_are_rejected(tmp_path):
    features = build_vgg_features("vgg16", None)
    path = tmp_path / "vgg16.pth"
    torch.save({f"features.{k}": v for k, v in features.state_dict().items()}, path)
    with pytest.raises(ValueError, match="is not a torchvision vgg16_bn state dict"):
        build_vgg_features("vgg16_bn", path)


def test_missing_weights_file_is_explained(tmp_path):
    missing = tmp_path / "vgg16_imagenet.pth"
    with pytest.raises(MissingWeightsError) as error:
        VggEncoder("vgg16", weights_path=missing)
    message = str(error.value)
    assert str(missing) in message
    assert 'torchvision.models.vgg16(weights="IMAGENET1K_V1").state_dict()' in message


def test_unknown_architecture():
    with pytest.raises(ValueError, match="must be one of"):
        VggEncoder("vgg19")
