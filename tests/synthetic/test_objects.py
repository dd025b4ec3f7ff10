import numpy as np
import pytest

from synboost_kedro.synthetic.canvas import Canvas
from synboost_kedro.synthetic.objects import (
    CLEAR_AHEAD,
    PARKING_KERB_MIN_M,
    Car,
    Cyclist,
    Pedestrian,
    Pole,
    Tree,
    sample_street_objects,
)
from synboost_kedro.synthetic.palette import (
    BICYCLE,
    CAR,
    PERSON,
    POLE,
    RIDER,
    TRAFFIC_LIGHT,
    TRAFFIC_SIGN,
    VEGETATION,
    sample_palette,
)
from synboost_kedro.synthetic.scene import sample_layout
from synboost_kedro.synthetic.textures import Appearance, sample_noise_fields

HEIGHT, WIDTH = 128, 256
GREY = Appearance((120, 120, 120))


@pytest.fixture
def setting():
    rng = np.random.default_rng(0)
    layout = sample_layout(rng, HEIGHT, WIDTH)
    palette = sample_palette(rng)
    return layout, palette, Canvas.blank(sample_noise_fields(rng, HEIGHT, WIDTH))


def _car(lateral, depth):
    return Car(lateral, depth, width=1.8, length=4.5, height=1.5, body=GREY, oncoming=False)


def test_nearer_car_occludes_farther_car(setting):
    layout, palette, canvas = setting
    near = layout.near_depth
    for car in sorted([_car(0.5, 3 * near), _car(0.0, 2 * near)], key=lambda car: -car.depth):
        car.draw(canvas, layout, palette)
    far_pixels = (canvas.instance_ids == 26000).sum()
    near_pixels = (canvas.instance_ids == 26001).sum()
    assert 0 < far_pixels < near_pixels
    x, y = layout.project(0.0, 0.6, 2 * near)
    assert canvas.instance_ids[int(y), int(x)] == 26001
    assert set(np.unique(canvas.label_ids[canvas.instance_ids >= 1000]).tolist()) == {CAR}


def test_farther_objects_are_smaller(setting):
    layout, palette, canvas = setting
    sizes = []
    for number, depth in enumerate((1.5, 4.0)):
        person = Pedestrian(0.0, depth * layout.near_depth, 1.8, GREY, GREY, 0.3, True)
        person.draw(canvas, layout, palette)
        sizes.append((canvas.instance_ids == PERSON * 1000 + number).sum())
    assert sizes[0] > 4 * sizes[1] > 0


def test_cyclist_is_a_rider_on_a_bicycle(setting):
    layout, palette, canvas = setting
    rider = Pedestrian(1.0, 2 * layout.near_depth, 1.7, GREY, GREY, 0.0, False, RIDER, 0.45)
    Cyclist(rider, crossing=True).draw(canvas, layout, palette)
    assert (canvas.instance_ids == BICYCLE * 1000).any()
    assert (canvas.instance_ids == RIDER * 1000).any()


@pytest.mark.parametrize(
    ("attachment", "label_id"),
    [
        ("light", TRAFFIC_LIGHT),
        ("circle", TRAFFIC_SIGN),
        ("triangle", TRAFFIC_SIGN),
        ("square", TRAFFIC_SIGN),
    ],
)
def test_pole_carries_its_attachment(setting, attachment, label_id):
    layout, palette, canvas = setting
    Pole(layout.road_right + 0.3, 5 * layout.near_depth, 3.5, attachment, 1).draw(
        canvas, layout, palette
    )
    labels = set(np.unique(canvas.label_ids).tolist())
    assert {POLE, label_id} <= labels


def test_tree_is_vegetation(setting):
    layout, palette, canvas = setting
    Tree(layout.road_left - 1.0, 5 * layout.near_depth, 2.5, ((0.0, 4.0, 1.8),)).draw(
        canvas, layout, palette
    )
    assert (canvas.label_ids == VEGETATION).sum() > 50


@pytest.mark.parametrize("seed", range(5))
def test_sampled_objects_stand_in_their_places(seed):
    rng = np.random.default_rng(seed)
    layout = sample_layout(rng, HEIGHT, WIDTH)
    objects = sample_street_objects(rng, layout, sample_palette(rng))
    assert all(thing.depth > 0.7 * layout.near_depth for thing in objects)
    for pole in (thing for thing in objects if isinstance(thing, Pole)):
        assert not layout.road_left < pole.lateral < layout.road_right
    for car in (thing for thing in objects if isinstance(thing, Car)):
        assert layout.road_left < car.lateral < layout.road_right
    road_users = [thing for thing in objects if isinstance(thing, Car | Cyclist)]
    road_users += [
        thing
        for thing in objects
        if isinstance(thing, Pedestrian) and layout.road_left < thing.lateral < layout.road_right
    ]
    for thing in road_users:
        # Parked cars stand at most 1.3 m from a kerb at least PARKING_KERB_MIN_M away.
        parked = isinstance(thing, Car) and abs(thing.lateral) >= PARKING_KERB_MIN_M - 1.3
        assert parked or thing.depth >= CLEAR_AHEAD * layout.near_depth
