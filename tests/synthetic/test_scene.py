import numpy as np
import pytest

from synboost_kedro.synthetic.canvas import Canvas
from synboost_kedro.synthetic.palette import (
    BUILDING,
    ROAD,
    SIDEWALK,
    SKY,
    TERRAIN,
    VEGETATION,
    sample_palette,
)
from synboost_kedro.synthetic.scene import paint_backdrop, sample_backdrop, sample_layout
from synboost_kedro.synthetic.textures import sample_noise_fields

HEIGHT, WIDTH = 96, 192


@pytest.fixture(params=[0, 1, 2])
def street(request):
    rng = np.random.default_rng(request.param)
    layout = sample_layout(rng, HEIGHT, WIDTH)
    backdrop = sample_backdrop(rng, layout)
    canvas = Canvas.blank(sample_noise_fields(rng, HEIGHT, WIDTH))
    paint_backdrop(canvas, layout, backdrop, sample_palette(rng))
    return layout, canvas


def test_ground_at_the_bottom_depth_projects_to_the_bottom_row(street):
    layout, _ = street
    _, y = layout.project(0.0, 0.0, layout.near_depth)
    assert y == pytest.approx(HEIGHT)
    _, far_y = layout.project(0.0, 0.0, 1e6)
    assert far_y == pytest.approx(layout.horizon, abs=0.01)


def test_street_cross_section_is_ordered(street):
    layout, _ = street
    assert layout.facade_left <= layout.road_left < 0 < layout.road_right <= layout.facade_right


def test_backdrop_labels_every_pixel_with_a_static_class(street):
    _, canvas = street
    static = {ROAD, SIDEWALK, BUILDING, VEGETATION, TERRAIN, SKY}
    assert set(np.unique(canvas.label_ids).tolist()) <= static
    assert {ROAD, SKY} <= set(np.unique(canvas.label_ids).tolist())


def test_road_is_below_the_horizon_and_sky_above(street):
    layout, canvas = street
    road_rows, _ = np.nonzero(canvas.label_ids == ROAD)
    sky_rows, _ = np.nonzero(canvas.label_ids == SKY)
    assert road_rows.min() >= layout.horizon - 1
    assert sky_rows.max() <= layout.horizon
    assert (canvas.label_ids[-1] == ROAD).mean() > 0.3


def test_every_pixel_is_painted(street):
    _, canvas = street
    assert (canvas.image.sum(axis=-1) > 0).all()
