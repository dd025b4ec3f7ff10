import numpy as np
import pytest

from synboost_kedro.training.class_weights import count_label_pixels, enet_class_weights


def test_counts_skip_void_and_weights_follow_the_enet_formula():
    masks = [
        np.array([[0, 0, 1], [255, 0, 0]], dtype=np.uint8),
        np.array([[1, 1, 0], [0, 255, 255]], dtype=np.uint8),
    ]

    counts = count_label_pixels(masks)
    weights = enet_class_weights(counts)

    assert counts.tolist() == [6, 3]
    expected = [1 / np.log(1.02 + 6 / 9), 1 / np.log(1.02 + 3 / 9)]
    np.testing.assert_allclose(weights, expected)
    assert weights[1] > weights[0]


def test_rare_anomalies_reproduce_the_originals_hard_coded_weights():
    # The original's fixed weights [1.46494611, 16.5204619] are 1/ln(1.02 + f) at f ~ 4.2 %
    # (to its rounding: the two implied frequencies sum to 1.0014).
    anomaly_fraction = np.exp(1 / 16.5204619) - 1.02
    counts = np.array([1 - anomaly_fraction, anomaly_fraction]) * 1e9

    np.testing.assert_allclose(enet_class_weights(counts), [1.46494611, 16.5204619], rtol=2e-3)


def test_unexpected_mask_values_are_rejected_with_the_mask_position():
    masks = [np.zeros((2, 2), np.uint8), np.array([[0, 2], [7, 1]], dtype=np.uint8)]

    with pytest.raises(ValueError, match=r"mask 1 holds values \[2, 7\]"):
        count_label_pixels(masks)


@pytest.mark.parametrize(
    ("counts", "offset", "message"),
    [([0, 0], 1.02, "No labelled"), ([5, 1], 1.0, "greater than 1")],
)
def test_degenerate_inputs_raise(counts, offset, message):
    with pytest.raises(ValueError, match=message):
        enet_class_weights(np.array(counts), offset)
