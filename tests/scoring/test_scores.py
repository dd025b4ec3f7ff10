import numpy as np
import pytest

from synboost_kedro.scoring import fuse_scores


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
