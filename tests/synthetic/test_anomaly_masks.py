import numpy as np
from scipy import ndimage

from synboost_kedro.cityscapes import LABEL_ID_BY_NAME
from synboost_kedro.frames import ANOMALY, IGNORE, NORMAL
from synboost_kedro.synthetic import render_anomaly_frame
from synboost_kedro.synthetic.anomalies import _render_anomaly_layers
from synboost_kedro.synthetic.anomaly_masks import BOUNDARY_VOID_PX

HEIGHT, WIDTH = 128, 256
SEEDS = range(6)
ROAD = LABEL_ID_BY_NAME["road"]


def test_lost_and_found_ignores_everything_off_the_road():
    on_road = []
    for seed in SEEDS:
        background, composite, frame = _render_anomaly_layers(
            "a_0_0", HEIGHT, WIDTH, seed, "lost_and_found"
        )
        anomaly = frame.mask == ANOMALY
        road = composite.label_ids == ROAD
        np.testing.assert_array_equal(frame.mask == NORMAL, road)
        np.testing.assert_array_equal(frame.mask == IGNORE, ~road & ~anomaly)
        on_road.append(background.label_ids[anomaly] == ROAD)
    assert np.concatenate(on_road).mean() > 0.5


def test_road_anomaly_ignores_only_a_thin_band_around_anomalies():
    for seed in SEEDS:
        frame = render_anomaly_frame("a_0_0", HEIGHT, WIDTH, seed, "road_anomaly")
        anomaly = frame.mask == ANOMALY
        band = ndimage.binary_dilation(anomaly, iterations=BOUNDARY_VOID_PX) & ~anomaly
        np.testing.assert_array_equal(frame.mask == IGNORE, band)
