import pytest
import torch
import torch.nn.functional as F

from synboost_kedro.models.synthesis.ccfpse.depth_conv import depthwise_conditional_conv


def _unfold_reference(x: torch.Tensor, kernels: torch.Tensor) -> torch.Tensor:
    """The original CC-FPSE formulation: ``nn.Unfold`` patches times channel-major kernels."""
    batch, channels, height, width = x.shape
    patches = F.unfold(x, 3, padding=1).view(batch, channels, 9, height, width)
    return (patches * kernels.view(batch, channels, 9, height, width)).sum(dim=2)


def test_matches_the_unfold_formulation_of_the_original():
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(2, 5, 6, 7, generator=generator)
    kernels = torch.randn(2, 45, 6, 7, generator=generator)

    torch.testing.assert_close(
        depthwise_conditional_conv(x, kernels), _unfold_reference(x, kernels)
    )


def test_kernel_channels_are_channel_major():
    x = torch.arange(2 * 3 * 3, dtype=torch.float32).view(1, 2, 3, 3)
    kernels = torch.zeros(1, 18, 3, 3)
    kernels[0, 0 * 9 + 4] = 1.0  # channel 0: centre tap, the identity
    kernels[0, 1 * 9 + 5] = 1.0  # channel 1: right neighbour

    out = depthwise_conditional_conv(x, kernels)

    assert torch.equal(out[0, 0], x[0, 0])
    assert torch.equal(
        out[0, 1], torch.tensor([[10.0, 11.0, 0.0], [13.0, 14.0, 0.0], [16.0, 17.0, 0.0]])
    )


def test_mismatched_kernels_are_rejected():
    with pytest.raises(ValueError, match=r"kernels must have shape \(1, 18, 4, 4\)"):
        depthwise_conditional_conv(torch.zeros(1, 2, 4, 4), torch.zeros(1, 9, 4, 4))
