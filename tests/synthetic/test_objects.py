import numpy as np
import pytest

from synboost_kedro.synthetic.objects import (
    CLEAR_AHEAD,
    PARKING_KERB_MIN_M,
    sample_street_objects,
)
from synboost_kedro.synthetic.palette import sample_palette
from synboost_kedro.synthetic.road_users import Car, Cyclist, Pedestrian
from synboost_kedro.synthetic.scene import sample_layout
from synboost_kedro.synthetic.street_furniture import Pole

HEIGHT, WIDTH = 128, 256


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
