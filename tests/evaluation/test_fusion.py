from __future__ import annotations

import numpy as np

from synboost_kedro.evaluation import search_fusion_weights
from synboost_kedro.evaluation.fusion import candidate_weights
from synboost_kedro.scoring import FUSABLE_METHODS


def test_original_grid_is_normalised_deduplicated_and_holds_the_published_weights():
    candidates = candidate_weights()
    vectors = {tuple(c[m] for m in FUSABLE_METHODS) for c in candidates}
    assert len(vectors) == len(candidates)
    assert all(abs(sum(v) - 1) < 1e-9 for v in vectors)
    assert (0.75, 0.25, 0.0, 0.0) in vectors
    # {0..3}^4 minus the zero vector, with proportional vectors merged (e.g. 1,1,0,0 ~ 2,2,0,0).
    assert len(candidates) == 4**4 - 1 - sum(
        1 for v in np.ndindex(4, 4, 4, 4) if any(v) and np.gcd.reduce(v) > 1
    )


def test_search_picks_the_informative_method():
    rng = np.random.default_rng(0)
    frames = []
    for _ in range(3):
        labels = (rng.random((16, 16)) < 0.2).astype(np.uint8)
        scores = {
            "dissimilarity": labels + 0.1 * rng.random((16, 16)),  # separates perfectly
            "entropy": rng.random((16, 16)),
            "perceptual": rng.random((16, 16)),
            "distance": rng.random((16, 16)),
        }
        frames.append((scores, labels))
    weights, metrics = search_fusion_weights(lambda: iter(frames))
    assert weights["dissimilarity"] == 1.0
    assert metrics["fpr_at_95_tpr"] == 0.0 and metrics["average_precision"] == 1.0
