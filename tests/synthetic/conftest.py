"""A street to draw single objects into: its layout, palette and a blank canvas."""

import numpy as np
import pytest

from synboost_kedro.synthetic.canvas import Canvas
from synboost_kedro.synthetic.palette import sample_palette
from synboost_kedro.synthetic.scene import sample_layout
from synboost_kedro.synthetic.textures import sample_noise_fields


@pytest.fixture
def setting():
    rng = np.random.default_rng(0)
    layout = sample_layout(rng, 128, 256)
    palette = sample_palette(rng)
    return layout, palette, Canvas.blank(sample_noise_fields(rng, 128, 256))
