import torch

from synboost_kedro.models.synthesis.ccfpse.condconv_block import DepthsepCCBlock


def _block(in_channels: int, out_channels: int) -> DepthsepCCBlock:
    torch.manual_seed(0)
    block = DepthsepCCBlock(in_channels, out_channels, condition_channels=5).eval()
    for norm in block.modules():
        if isinstance(norm, torch.nn.BatchNorm2d):
            norm.running_mean.uniform_(-0.5, 0.5)
            norm.running_var.uniform_(0.5, 1.5)
    return block


@torch.inference_mode()
def test_without_a_channel_change_the_shortcut_is_the_input():
    block = _block(6, 6)
    for predictor in (block.gen_se_weights1, block.gen_se_weights2):
        predictor[2].bias.fill_(-1e4)  # sigmoid gates closed: the residual branch is zero
    x = torch.randn(1, 6, 5, 7)

    assert not block.learned_shortcut
    assert torch.equal(block(x, torch.randn(1, 5, 5, 7)), x)


@torch.inference_mode()
def test_a_channel_change_uses_the_spade_and_spectral_norm_shortcut():
    block = _block(6, 4)
    for predictor in (block.gen_se_weights1, block.gen_se_weights2):
        predictor[2].bias.fill_(-1e4)
    x, condition = torch.randn(1, 6, 5, 7), torch.randn(1, 5, 5, 7)

    out = block(x, condition)

    assert out.shape == (1, 4, 5, 7)
    torch.testing.assert_close(out, block.conv_s(block.norm_s(x, condition)))


@torch.inference_mode()
def test_channels_last_inputs_give_the_same_output():
    block = _block(6, 4)
    x, condition = torch.randn(2, 6, 5, 7), torch.randn(2, 5, 5, 7)
    expected = block(x, condition)

    block = block.to(memory_format=torch.channels_last)
    out = block(
        x.contiguous(memory_format=torch.channels_last),
        condition.contiguous(memory_format=torch.channels_last),
    )

    torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-5)
