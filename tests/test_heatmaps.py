"""Heat maps and overlays of anomaly scores."""

from __future__ import annotations

import numpy as np
import pytest

from synboost_kedro.heatmaps import heat_map, overlay


def test_heat_map_is_dark_for_normal_and_bright_for_anomalous_pixels():
    colours = heat_map(np.array([[0.0, 1.0, 2.0, -1.0]], np.float32))

    assert colours.shape == (1, 4, 3) and colours.dtype == np.uint8
    assert colours[0, 0].astype(int).sum() < 30
    assert colours[0, 1].astype(int).sum() > 500
    np.testing.assert_array_equal(colours[0, 2], colours[0, 1])  # clipped above 1
    np.testing.assert_array_equal(colours[0, 3], colours[0, 0])  # and below 0


def test_overlay_keeps_normal_pixels_and_tints_anomalies():
    image = np.full((2, 2, 3), 100, np.uint8)
    scores = np.array([[0.0, 1.0], [0.0, 0.5]], np.float32)

    blended = overlay(image, scores, alpha=1.0)

    np.testing.assert_array_equal(blended[0, 0], image[0, 0])
    np.testing.assert_array_equal(blended[0, 1], heat_map(scores)[0, 1])
    assert not np.array_equal(blended[1, 1], image[1, 1])


def test_overlay_rejects_mismatched_sizes_and_bad_alpha():
    image = np.zeros((2, 2, 3), np.uint8)
    with pytest.raises(ValueError, match="differs from score size"):
        overlay(image, np.zeros((3, 2), np.float32))
    with pytest.raises(ValueError, match="alpha"):
        overlay(image, np.zeros((2, 2), np.float32), alpha=1.5)
