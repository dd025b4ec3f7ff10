import numpy as np
import pytest

from synboost_kedro.synthetic.shapes import rectangle
from synboost_kedro.synthetic.textures import (
    Appearance,
    jitter_colour,
    sample_noise_fields,
    smooth_noise,
)

SHAPE = (32, 48)


@pytest.fixture
def noise():
    return sample_noise_fields(np.random.default_rng(0), *SHAPE)


def test_noise_fields_are_bounded_and_seeded(noise):
    again = sample_noise_fields(np.random.default_rng(0), *SHAPE)
    for field, same in ((noise.fine, again.fine), (noise.medium, again.medium)):
        assert field.shape == SHAPE
        assert field.min() >= -1 and field.max() <= 1 and field.std() > 0.05
        np.testing.assert_array_equal(field, same)


def test_smooth_noise_is_smoother_than_white_noise():
    field = smooth_noise(np.random.default_rng(1), 64, 64, cell=8)
    neighbour_step = np.abs(np.diff(field, axis=1)).mean()
    assert neighbour_step < 0.3 * np.abs(field - field.mean()).mean()


def test_appearance_renders_the_stamp_pixels(noise):
    stamp = rectangle(2, 3, 10, 7, SHAPE)
    colours = Appearance((100, 150, 200), fine=0.05).render(noise, stamp)
    assert colours.shape == (stamp.mask.sum(), 3)
    np.testing.assert_allclose(colours.mean(axis=0), (100, 150, 200), rtol=0.05)


@pytest.mark.parametrize("pattern", ["stripes", "checker", "spots"])
def test_patterns_mix_both_colours(noise, pattern):
    stamp = rectangle(0, 0, 40, 30, SHAPE)
    look = Appearance((255, 0, 0), fine=0, coarse=0, pattern=pattern, pattern_colour=(0, 0, 255))
    colours = look.render(noise, stamp)
    assert (colours[:, 0] > 200).mean() > 0.1 and (colours[:, 2] > 200).mean() > 0.1


def test_unknown_pattern_is_rejected(noise):
    with pytest.raises(ValueError, match="'zigzag'"):
        Appearance((1, 2, 3), pattern="zigzag").render(noise, rectangle(0, 0, 4, 4, SHAPE))


def test_jitter_stays_near_the_colour():
    rng = np.random.default_rng(2)
    jittered = np.array([jitter_colour(rng, (100, 100, 100), 0.1) for _ in range(50)])
    assert np.all(np.abs(jittered - 100) <= 16) and jittered.std() > 1
