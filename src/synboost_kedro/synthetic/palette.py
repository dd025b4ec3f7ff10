"""The in-distribution look of every class: base appearances and their per-frame variation."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from synboost_kedro.cityscapes import LABEL_ID_BY_NAME
from synboost_kedro.synthetic.textures import Appearance, jitter_appearance, jitter_colour

ROAD = LABEL_ID_BY_NAME["road"]
SIDEWALK = LABEL_ID_BY_NAME["sidewalk"]
BUILDING = LABEL_ID_BY_NAME["building"]
POLE = LABEL_ID_BY_NAME["pole"]
TRAFFIC_LIGHT = LABEL_ID_BY_NAME["traffic light"]
TRAFFIC_SIGN = LABEL_ID_BY_NAME["traffic sign"]
VEGETATION = LABEL_ID_BY_NAME["vegetation"]
TERRAIN = LABEL_ID_BY_NAME["terrain"]
SKY = LABEL_ID_BY_NAME["sky"]
PERSON = LABEL_ID_BY_NAME["person"]
RIDER = LABEL_ID_BY_NAME["rider"]
CAR = LABEL_ID_BY_NAME["car"]
BICYCLE = LABEL_ID_BY_NAME["bicycle"]
EGO_VEHICLE = LABEL_ID_BY_NAME["ego vehicle"]

#: Surfaces whose look is fixed per class (jittered moderately per frame).
BASE_APPEARANCES: dict[str, Appearance] = {
    "road": Appearance((98, 96, 100), fine=0.07, medium=0.03, coarse=0.08),
    "lane_marking": Appearance((215, 215, 205), fine=0.04, coarse=0.06),
    "sidewalk": Appearance((170, 150, 155), fine=0.06, medium=0.03, coarse=0.06),
    "kerb": Appearance((190, 185, 180), fine=0.04),
    "terrain": Appearance((150, 150, 90), fine=0.12, medium=0.15, coarse=0.10),
    "vegetation": Appearance((60, 100, 40), fine=0.15, medium=0.30, coarse=0.10),
    "trunk": Appearance((75, 60, 45), fine=0.08, medium=0.05),
    "sky": Appearance((150, 180, 215), fine=0.01, coarse=0.06),
    "window": Appearance((55, 65, 80), fine=0.04, coarse=0.15),
    "pole": Appearance((120, 122, 125), fine=0.03, coarse=0.05),
    "traffic_light": Appearance((35, 38, 36), fine=0.04),
    "sign_white": Appearance((225, 225, 220), fine=0.03),
    "sign_red": Appearance((190, 30, 35), fine=0.03),
    "sign_blue": Appearance((30, 70, 165), fine=0.03),
    "tyre": Appearance((25, 25, 27), fine=0.05),
    "bicycle_frame": Appearance((40, 40, 45), fine=0.03),
    "glass": Appearance((40, 48, 58), fine=0.03, coarse=0.12),
    "skin": Appearance((200, 160, 130), fine=0.03),
    "hair": Appearance((50, 38, 30), fine=0.05),
    "ego_vehicle": Appearance((30, 32, 38), fine=0.03, coarse=0.10),
}

FACADE_COLOURS = ((150, 130, 110), (120, 110, 105), (175, 165, 145), (135, 85, 70), (105, 105, 110))
CAR_COLOURS = (
    (205, 205, 210),
    (30, 30, 35),
    (110, 112, 118),
    (160, 160, 165),
    (140, 25, 30),
    (30, 55, 110),
    (60, 70, 60),
)
CLOTHING_COLOURS = ((40, 40, 45), (70, 70, 110), (120, 40, 40), (150, 140, 120), (60, 80, 60))


@dataclass(frozen=True)
class Palette:
    """The appearances of one frame: class surfaces plus the choices varying per object."""

    surfaces: dict[str, Appearance]
    facades: tuple[Appearance, ...]

    def __getitem__(self, surface: str) -> Appearance:
        return self.surfaces[surface]

    def car_body(self, rng: np.random.Generator) -> Appearance:
        colour = CAR_COLOURS[rng.integers(len(CAR_COLOURS))]
        return Appearance(jitter_colour(rng, colour, 0.1), fine=0.02, coarse=0.08)

    def clothing(self, rng: np.random.Generator) -> Appearance:
        colour = CLOTHING_COLOURS[rng.integers(len(CLOTHING_COLOURS))]
        return Appearance(jitter_colour(rng, colour, 0.2), fine=0.05, coarse=0.05)


def sample_palette(rng: np.random.Generator) -> Palette:
    """The class appearances of one frame: the base looks, each jittered by about 15 %."""
    surfaces = {name: jitter_appearance(rng, look, 0.15) for name, look in BASE_APPEARANCES.items()}
    if rng.random() < 0.4:
        # An overcast sky, as in much of Cityscapes.
        surfaces["sky"] = replace(surfaces["sky"], colour=jitter_colour(rng, (190, 195, 200), 0.1))
    facades = tuple(
        Appearance(jitter_colour(rng, colour, 0.12), fine=0.05, medium=0.02, coarse=0.12)
        for colour in FACADE_COLOURS
    )
    return Palette(surfaces=surfaces, facades=facades)
