"""Blob-shaped objects pasted on the rendered roads, for sets of other kinds than the benchmarks'.

The renderer's own anomalies (``anomaly_objects.py``) are animals, debris, crates, cones and
tyres, flat-shaded in saturated colours. A detector tuned on them could learn exactly that look,
so two further sets stand wobbly superellipse blobs on the road like Lost & Found obstacles, with
a texture of another kind:

* ``photo``: crops of real photographs (a cat, a coffee cup, an astronaut, a rocket, a motorcycle,
  coins, the moon, a retina, a cameraman, a galaxy field: the sample images scikit-image ships
  inside its wheel). Evaluated only, never trained or selected on: data of a kind the project
  never renders.
* ``procedural``: value noise, stripes or checks in muted natural colours. The validation
  anomaly set that selects the training step and the fusion weights; disjoint from every test
  set in shape and look.

Masks follow the Fishyscapes Lost & Found convention: 1 on the pasted object, 0 on the road, 255
elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image

from synboost_kedro.frames import AnomalyFrame
from synboost_kedro.synthetic.anomaly_masks import lost_and_found_mask
from synboost_kedro.synthetic.anomaly_placement import STYLES, free_placement
from synboost_kedro.synthetic.render import draw_scene, sample_scene
from synboost_kedro.synthetic.scene import StreetLayout
from synboost_kedro.synthetic.textures import smooth_noise
from synboost_kedro.utils.package_files import installed_package_file

#: Photographs of scikit-image's ``skimage/data`` folder (natural images, colour or grey).
PHOTOS = (
    "astronaut.png",
    "chelsea.png",
    "coffee.png",
    "rocket.jpg",
    "motorcycle_left.png",
    "camera.png",
    "coins.png",
    "moon.png",
    "retina.jpg",
    "hubble_deep_field.jpg",
)
#: Object height range, metres, and the width-to-height ratio range of its outline.
SIZE_RANGE_M = (0.4, 1.2)
ASPECT_RANGE = (0.7, 1.8)


def photo_folder() -> Path:
    """scikit-image's sample-image folder (located without importing scikit-image).

    Raises:
        FileNotFoundError: scikit-image is not installed.
    """
    first_photo = installed_package_file("skimage", f"data/{PHOTOS[0]}")
    if first_photo is not None:
        return first_photo.parent
    raise FileNotFoundError(
        "The photo-object set needs scikit-image's sample images: pip install scikit-image"
    )


@cache
def _photo(name: str) -> np.ndarray:
    with Image.open(photo_folder() / name) as image:
        return np.asarray(image.convert("RGB"))


def _blob_mask(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """A filled superellipse with a wobbly outline, ``[height, width]`` bool."""
    ys, xs = np.mgrid[0:height, 0:width]
    dy = (ys + 0.5) / height * 2 - 1
    dx = (xs + 0.5) / width * 2 - 1
    angle = np.arctan2(dy, dx)
    exponent = rng.uniform(1.6, 4.0)
    radius = (np.abs(dx) ** exponent + np.abs(dy) ** exponent) ** (1 / exponent)
    wobble = 1.0 - sum(
        rng.uniform(0.0, 0.12) * np.cos(k * angle + rng.uniform(0, 2 * np.pi)) for k in (2, 3, 5)
    )
    return radius <= 0.95 * wobble


def _photo_patch(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """A random crop of a random photograph resized to ``height × width``, uint8 RGB."""
    photo = _photo(PHOTOS[int(rng.integers(len(PHOTOS)))])
    photo_height, photo_width = photo.shape[:2]
    side = rng.uniform(0.35, 0.9) * min(photo_height, photo_width)
    crop_height = int(side)
    crop_width = int(min(photo_width, side * width / height))
    top = int(rng.integers(0, photo_height - crop_height + 1))
    left = int(rng.integers(0, photo_width - crop_width + 1))
    crop = Image.fromarray(photo[top : top + crop_height, left : left + crop_width])
    return np.asarray(crop.resize((width, height), Image.BILINEAR))


def _procedural_patch(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """Value noise at a random scale, optionally striped or checked, in a muted colour."""
    colour = rng.uniform(40, 200, size=3)
    cell = int(rng.integers(2, max(3, min(height, width) // 2)))
    texture = 1.0 + rng.uniform(0.1, 0.5) * smooth_noise(rng, height, width, cell)[..., None]
    pattern = rng.integers(3)
    if pattern:
        ys, xs = np.mgrid[0:height, 0:width]
        period = rng.uniform(3.0, 12.0)
        weight = (
            np.sin(2 * np.pi * (xs + rng.uniform(-1, 1) * ys) / period) > 0
            if pattern == 1
            else (np.floor(xs / period) + np.floor(ys / period)) % 2 == 1
        )
        texture = texture * np.where(weight[..., None], rng.uniform(0.5, 1.5, size=3), 1.0)
    return np.clip(colour * texture, 0, 255).astype(np.uint8)


#: Texture sources of the pasted objects.
TEXTURES: dict[str, Callable[[np.random.Generator, int, int], np.ndarray]] = {
    "photo": _photo_patch,
    "procedural": _procedural_patch,
}


def render_pasted_object_frame(
    frame_id: str, height: int, width: int, seed: int, texture: str
) -> AnomalyFrame:
    """A rendered street scene with one to three pasted objects on the road, and its mask.

    Args:
        frame_id: Id stored in the frame.
        height: Image height in pixels.
        width: Image width in pixels.
        seed: Seed of the frame; the same seed always gives the same frame.
        texture: ``"photo"`` or ``"procedural"`` (see the module docstring).

    Raises:
        ValueError: unknown ``texture``.
    """
    if texture not in TEXTURES:
        raise ValueError(
            f"Unknown pasted-object texture {texture!r}; choose one of {list(TEXTURES)}"
        )
    rng = np.random.default_rng(seed)
    scene = sample_scene(rng, height, width)
    canvas = draw_scene(scene)
    image = canvas.rgb()
    anomaly = np.zeros((height, width), dtype=bool)
    for _ in range(int(rng.integers(1, 4))):
        rows, cols, local, inside, patch = _place_object(rng, scene.layout, TEXTURES[texture])
        image[rows, cols][inside] = patch[local][inside]
        anomaly[rows, cols] |= inside
    return AnomalyFrame(frame_id, image, lost_and_found_mask(canvas.label_ids, anomaly))


def _place_object(
    rng: np.random.Generator,
    layout: StreetLayout,
    texture: Callable[[np.random.Generator, int, int], np.ndarray],
) -> tuple[slice, slice, tuple[slice, slice], np.ndarray, np.ndarray]:
    """Frame rows and columns of one object, the same window in its own box, its visible blob
    there, and its texture."""
    lateral, depth = free_placement(rng, layout, STYLES["lost_and_found"])
    object_height = max(4, int(rng.uniform(*SIZE_RANGE_M) * layout.scale(depth)))
    object_width = max(4, int(object_height * rng.uniform(*ASPECT_RANGE)))
    foot_x, foot_y = layout.project(lateral, 0.0, depth)
    top, left = int(foot_y) - object_height, int(foot_x) - object_width // 2
    mask = _blob_mask(rng, object_height, object_width)
    patch = texture(rng, object_height, object_width)
    rows = slice(max(top, 0), min(top + object_height, layout.height))
    cols = slice(max(left, 0), min(left + object_width, layout.width))
    local = (slice(rows.start - top, rows.stop - top), slice(cols.start - left, cols.stop - left))
    return rows, cols, local, mask[local], patch
