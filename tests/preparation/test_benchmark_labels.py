from __future__ import annotations

import numpy as np
import pytest

from synboost_kedro.preparation import LABEL_FORMATS, RawBenchmarkFrame, to_anomaly_frame


def _raw(values: list[list[int]], label_format: str) -> RawBenchmarkFrame:
    label = np.array(values, dtype=np.uint8)
    image = np.zeros((*label.shape, 3), dtype=np.uint8)
    return RawBenchmarkFrame("f1", image, label, label_format, "labels/f1.png")


@pytest.mark.parametrize(
    ("label_format", "raw", "common"),
    [
        ("anomaly_mask", [[0, 1, 255]], [[0, 1, 255]]),
        # Lost & Found labelTrainIds: background, free space, obstacle, outside the ROI.
        ("lost_and_found", [[0, 1, 2, 255]], [[0, 0, 1, 255]]),
        # Road Anomaly labels_semantic: background, road, anomaly.
        ("road_anomaly", [[0, 1, 2]], [[0, 0, 1]]),
    ],
)
def test_converter(label_format, raw, common):
    frame = to_anomaly_frame(_raw(raw, label_format))
    np.testing.assert_array_equal(frame.mask, np.array(common, dtype=np.uint8))
    assert frame.mask.dtype == np.uint8 and frame.frame_id == "f1"


@pytest.mark.parametrize(
    ("label_format", "raw", "unknown"),
    [
        ("anomaly_mask", [[0, 2]], "[2]"),
        ("lost_and_found", [[0, 3, 200]], "[3, 200]"),
        ("road_anomaly", [[0, 255]], "[255]"),
    ],
)
def test_unknown_values_name_the_file_and_format(label_format, raw, unknown):
    with pytest.raises(
        ValueError, match=rf"'labels/f1.png' holds values \{unknown}.*'{label_format}'"
    ):
        to_anomaly_frame(_raw(raw, label_format))


def test_size_mismatch_is_refused():
    raw = _raw([[0, 1]], "anomaly_mask")
    raw = RawBenchmarkFrame("f1", np.zeros((2, 2, 3), np.uint8), raw.raw_label, "anomaly_mask")
    with pytest.raises(ValueError, match="is 2x1 but its image is 2x2"):
        to_anomaly_frame(raw)


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="Unknown label format 'kitti'"):
        to_anomaly_frame(_raw([[0]], "kitti"))


def test_only_the_common_format_is_writable():
    assert [name for name, fmt in LABEL_FORMATS.items() if fmt.is_common] == ["anomaly_mask"]
