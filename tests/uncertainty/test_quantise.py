import numpy as np
import torch

from synboost_kedro.uncertainty.quantise import signed_to_uint8, uint8_to_unit, unit_to_uint8


def test_unit_values_are_truncated_not_rounded_and_saturate():
    values = torch.tensor([0.0, 0.999 / 255, 1.999 / 255, 0.5, 254.9 / 255, 1.0, 1.2, -0.1])

    assert unit_to_uint8(values).tolist() == [0, 0, 1, 127, 254, 255, 255, 0]


def test_signed_images_map_like_the_original_tanh_conversion():
    values = torch.tensor([-1.0, 0.0, 1.0])

    assert signed_to_uint8(values).tolist() == [0, 127, 255]


def test_uint8_round_trip():
    codes = np.arange(256, dtype=np.uint8)

    assert torch.equal(unit_to_uint8(uint8_to_unit(codes)), torch.from_numpy(codes))
