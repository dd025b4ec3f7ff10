import torch
from torch import nn

from synboost_kedro.models.segmentation.wider_resnet import IdentityResidualBlock


def _randomise_batch_norms(module: nn.Module) -> None:
    for norm in module.modules():
        if isinstance(norm, nn.BatchNorm2d):
            norm.running_mean.uniform_(-0.5, 0.5)
            norm.running_var.uniform_(0.5, 1.5)


@torch.no_grad()
def test_without_projection_the_shortcut_is_the_raw_input_not_its_activation():
    torch.manual_seed(0)
    block = IdentityResidualBlock(8, (8, 8)).eval()
    _randomise_batch_norms(block)
    block.convs.conv2.weight.zero_()
    x = torch.randn(1, 8, 5, 7)

    assert block.proj_conv is None
    assert torch.equal(block(x), x)


@torch.no_grad()
def test_the_projection_sees_the_activated_input_with_the_block_stride():
    torch.manual_seed(0)
    block = IdentityResidualBlock(4, (8, 8), stride=2).eval()
    _randomise_batch_norms(block)
    block.convs.conv2.weight.zero_()
    x = torch.randn(1, 4, 5, 7)

    out = block(x)

    assert out.shape == (1, 8, 3, 4)
    torch.testing.assert_close(out, block.proj_conv(block.bn1(x)))


def test_bottleneck_dropout_sits_before_the_last_conv_and_is_inactive_in_eval():
    torch.manual_seed(0)
    block = IdentityResidualBlock(8, (4, 8, 16), dilation=4, dropout=0.5).eval()
    x = torch.randn(1, 8, 9, 9)

    assert [name for name, _ in block.convs.named_children()] == [
        "conv1",
        "bn2",
        "conv2",
        "bn3",
        "dropout",
        "conv3",
    ]
    assert block.convs.conv2.dilation == (4, 4) and block.convs.conv2.padding == (4, 4)
    assert torch.equal(block(x), block(x))
