import numpy as np
import pytest
import torch

from synboost_kedro.models.dissimilarity import create_dissimilarity_model, random_inputs
from synboost_kedro.scoring import dissimilarity_probabilities, fuse_scores
from synboost_kedro.utils.precision import Precision


def test_fuse_scores_weights_the_named_methods():
    scores = {"dissimilarity": np.array([0.2, 1.0]), "entropy": np.array([1.0, 0.0])}
    fused = fuse_scores(scores, {"dissimilarity": 0.75, "entropy": 0.25})
    np.testing.assert_allclose(fused, [0.4, 0.75], rtol=1e-6)
    assert fused.dtype == np.float32


@pytest.mark.parametrize(
    ("weights", "message"),
    [({"depth": 1.0}, "Unknown fusion methods"), ({"entropy": 0.0}, "all zero")],
)
def test_fuse_scores_rejects_bad_weights(weights, message):
    with pytest.raises(ValueError, match=message):
        fuse_scores({"entropy": np.zeros(2)}, weights)


#: Largest difference of a bf16 anomaly probability from float32's (random "ours" network at
#: an eighth of the width; the logits are rounded to 8 mantissa bits, the softmax is float32).
BF16_PROBABILITY_TOLERANCE = 0.02


def test_bf16_probabilities_are_float32_and_within_tolerance_of_float32():
    torch.manual_seed(0)
    network = create_dissimilarity_model("vgg16", channel_divisor=8).eval()
    inputs = random_inputs(batch=2, height=16, width=32)
    samples = [{name: tensor[index] for name, tensor in inputs.items()} for index in range(2)]
    cpu = torch.device("cpu")

    fp32 = dissimilarity_probabilities(network, samples, cpu)
    bf16 = dissimilarity_probabilities(network, samples, cpu, Precision("bf16"))

    assert fp32.dtype == bf16.dtype == torch.float32
    assert fp32.shape == bf16.shape == (2, 16, 32)
    assert 0 < (bf16 - fp32).abs().max() <= BF16_PROBABILITY_TOLERANCE
