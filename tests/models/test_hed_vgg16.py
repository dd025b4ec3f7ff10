import h5py
import numpy as np
import pytest
import torch
import torch.nn.functional as F
import torchvision

from synboost_kedro.models.hed_vgg16 import (
    CAFFE_MEAN_RGB,
    IMAGENET_MEAN,
    IMAGENET_STD,
    VGG16_CONVOLUTIONS,
    locate_hed_weights,
    read_hed_vgg16,
)


@pytest.fixture(scope="module")
def hed_file():
    return locate_hed_weights()


@pytest.fixture(scope="module")
def converted(hed_file):
    return read_hed_vgg16(hed_file, activation_scale=1.0)


def test_the_trunk_loads_into_torchvision_vgg16(converted):
    features = torchvision.models.vgg16().features
    features.load_state_dict(
        {key.removeprefix("features."): value for key, value in converted.items()}, strict=True
    )
    assert len(converted) == 2 * len(VGG16_CONVOLUTIONS)


def test_conv1_1_on_imagenet_input_equals_the_caffe_convolution(hed_file, converted):
    with h5py.File(hed_file) as weights:
        kernel = np.asarray(weights["block1/layers/conv2d/vars/0"], np.float64)
        bias = np.asarray(weights["block1/layers/conv2d/vars/1"], np.float64)
    rgb = torch.rand(1, 3, 12, 16, dtype=torch.float64)
    mean = torch.tensor(IMAGENET_MEAN, dtype=torch.float64).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD, dtype=torch.float64).view(1, 3, 1, 1)
    caffe = 255 * rgb - torch.tensor(CAFFE_MEAN_RGB, dtype=torch.float64).view(1, 3, 1, 1)
    expected = F.conv2d(
        caffe.flip(1), torch.from_numpy(kernel).permute(3, 2, 0, 1), torch.from_numpy(bias)
    )

    actual = F.conv2d(
        (rgb - mean) / std,
        converted["features.0.weight"].double(),
        converted["features.0.bias"].double(),
    )

    torch.testing.assert_close(actual, expected, rtol=1e-5, atol=1e-3)


def test_activation_scale_scales_every_activation_exactly(hed_file, converted):
    scaled = read_hed_vgg16(hed_file, activation_scale=0.5, expected_sha256=None)
    plain, half = torchvision.models.vgg16().features, torchvision.models.vgg16().features
    for network, state in ((plain, converted), (half, scaled)):
        network.load_state_dict({key.removeprefix("features."): v for key, v in state.items()})
    image = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        torch.testing.assert_close(half(image), 0.5 * plain(image), rtol=1e-4, atol=1e-4)


def test_a_file_with_another_checksum_or_layout_is_refused(tmp_path):
    other = tmp_path / "other.weights.h5"
    with h5py.File(other, "w") as weights:
        weights.create_group("block1")
    with pytest.raises(ValueError, match="other.weights.h5.*SHA-256"):
        read_hed_vgg16(other)
    with pytest.raises(ValueError, match=r"lacks layers \['block1_conv1'"):
        read_hed_vgg16(other, expected_sha256=None)
