import torch

from synboost_kedro.models.synthesis.ccfpse.spectral_norm import sn_conv


def test_eval_mode_divides_by_sigma_from_the_stored_vectors_and_leaves_them_unchanged():
    torch.manual_seed(0)
    conv = sn_conv(4, 6, 3).eval()
    with torch.no_grad():
        conv.weight_u.copy_(torch.nn.functional.normalize(torch.randn(6), dim=0))
        conv.weight_v.copy_(torch.nn.functional.normalize(torch.randn(36), dim=0))
    u, v = conv.weight_u.clone(), conv.weight_v.clone()
    x = torch.randn(1, 4, 5, 5)

    out = conv(x)

    sigma = torch.dot(u, conv.weight_orig.flatten(1) @ v)
    expected = torch.nn.functional.conv2d(x, conv.weight_orig / sigma, padding=1)
    torch.testing.assert_close(out, expected)
    assert torch.equal(conv.weight_u, u) and torch.equal(conv.weight_v, v)
    assert torch.equal(conv(x), out)


def test_train_mode_runs_a_power_iteration_in_place():
    torch.manual_seed(0)
    conv = sn_conv(4, 6, 3)
    with torch.no_grad():
        conv.weight_u.copy_(torch.nn.functional.normalize(torch.randn(6), dim=0))
    u = conv.weight_u.clone()

    conv.train()(torch.randn(1, 4, 5, 5))

    assert not torch.allclose(conv.weight_u, u)


def test_a_fresh_conv_starts_from_converged_singular_vectors():
    torch.manual_seed(0)
    conv = sn_conv(16, 32, 3)

    sigma = torch.dot(conv.weight_u, conv.weight_orig.flatten(1) @ conv.weight_v)

    largest = torch.linalg.matrix_norm(conv.weight_orig.detach().flatten(1), ord=2)
    # A random u, v would give |sigma| far below the norm (and outputs that explode).
    assert 0.9 * largest <= sigma <= largest * (1 + 1e-5)
