import pytest
import torch
from torch import nn

from synboost_kedro.models.segmentation.batch_norm_folding import fold_batch_norms
from synboost_kedro.models.segmentation.deeplabv3plus import conv_bn_relu
from synboost_kedro.models.segmentation.wider_resnet import IdentityResidualBlock


def _randomise_batch_norms(module: nn.Module) -> None:
    for norm in module.modules():
        if isinstance(norm, nn.BatchNorm2d):
            norm.running_mean.uniform_(-0.5, 0.5)
            norm.running_var.uniform_(0.5, 1.5)
            norm.weight.data.uniform_(0.5, 1.5)
            norm.bias.data.uniform_(-0.5, 0.5)


@torch.no_grad()
def test_conv_bn_pairs_are_folded_and_the_output_is_kept():
    torch.manual_seed(0)
    network = nn.Sequential(
        IdentityResidualBlock(4, (8, 16, 16), dropout=0.3),
        nn.Sequential(*conv_bn_relu(16, 8, 3, dilation=2)),
    ).eval()
    _randomise_batch_norms(network)
    x = torch.randn(2, 4, 9, 11)
    expected = network(x)

    folded = fold_batch_norms(network)

    # bn2 and bn3 of the bottleneck and the ASPP-style unit; bn1 precedes a ReLU, not a conv.
    assert folded == 3
    assert sum(isinstance(m, nn.BatchNorm2d) for m in network.modules()) == 1
    torch.testing.assert_close(network(x), expected, rtol=1e-5, atol=1e-5)


def test_a_network_in_training_mode_is_refused():
    with pytest.raises(ValueError, match="eval mode"):
        fold_batch_norms(nn.Sequential(*conv_bn_relu(3, 4)))
