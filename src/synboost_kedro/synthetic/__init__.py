"""Procedural street scenes in Cityscapes format, with and without anomalous obstacles (Kedro-free).

The generator stands in for Cityscapes and the anomaly benchmarks when the real data is absent:
``render_cityscapes_frame`` draws a labelled street scene and ``render_anomaly_frame`` draws the
same kind of scene with out-of-distribution objects and a benchmark-style anomaly mask;
``cityscapes_split_frames`` and ``anomaly_set_frames`` give whole sets, seeded frame by frame.
"""

from synboost_kedro.synthetic.anomalies import render_anomaly_frame
from synboost_kedro.synthetic.frame_sets import anomaly_set_frames, cityscapes_split_frames
from synboost_kedro.synthetic.pasted_objects import render_pasted_object_frame
from synboost_kedro.synthetic.render import render_cityscapes_frame

__all__ = [
    "anomaly_set_frames",
    "cityscapes_split_frames",
    "render_anomaly_frame",
    "render_cityscapes_frame",
    "render_pasted_object_frame",
]
