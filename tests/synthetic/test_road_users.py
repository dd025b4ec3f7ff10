import numpy as np

from synboost_kedro.synthetic.palette import BICYCLE, CAR, PERSON, RIDER
from synboost_kedro.synthetic.road_users import Car, Cyclist, Pedestrian
from synboost_kedro.synthetic.textures import Appearance

GREY = Appearance((120, 120, 120))


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
