import numpy as np

from synboost_kedro.synthetic.palette import BASE_APPEARANCES, sample_palette


def test_palette_varies_moderately_between_frames():
    palettes = [sample_palette(np.random.default_rng(seed)) for seed in range(20)]
    roads = np.array([palette["road"].colour for palette in palettes])
    base = np.array(BASE_APPEARANCES["road"].colour)
    assert roads.std(axis=0).min() > 1
    assert np.all(np.abs(roads - base) < 0.3 * base)


def test_palette_is_seeded():
    first, second = (sample_palette(np.random.default_rng(4)) for _ in range(2))
    assert first == second
