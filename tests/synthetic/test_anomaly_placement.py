import numpy as np

from synboost_kedro.synthetic.anomaly_objects import KINDS
from synboost_kedro.synthetic.anomaly_placement import STYLES, sample_anomalies
from synboost_kedro.synthetic.render import sample_scene

HEIGHT, WIDTH = 128, 256


def test_all_anomaly_kinds_are_sampled():
    kinds = set()
    for seed in range(40):
        rng = np.random.default_rng(seed)
        scene = sample_scene(rng, HEIGHT, WIDTH)
        kinds.update(
            anomaly.kind for anomaly in sample_anomalies(rng, scene, STYLES["road_anomaly"])
        )
    assert kinds == set(KINDS)
