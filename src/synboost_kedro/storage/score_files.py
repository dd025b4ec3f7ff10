"""Score-map files of any method, Kedro-free: ``.npy``, 16-bit ``.png`` and SegmentMeIfYouCan's
``.hdf5``, read with errors that name the file.

SegmentMeIfYouCan stores a method's output per frame as ``<frame id>.hdf5`` holding the float16
score map in the dataset ``value``, gzip level 9 (its ``Evaluation.save_output``).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from synboost_kedro.utils import atomic_path

#: Score files read, most exact first: a frame stored in several forms is read from the first.
SCORE_SUFFIXES = (".npy", ".hdf5", ".png")
SMIYC_SUFFIX = ".hdf5"
SMIYC_DATASET = "value"
#: What a PNG of each Pillow mode holds at a score of 1.
_PNG_SCALE = {"I;16": 65535.0, "I;16B": 65535.0, "I;16L": 65535.0, "L": 255.0}


def write_smiyc_scores(path: str | os.PathLike, scores: np.ndarray) -> None:
    """Write ``scores`` to ``path`` as SegmentMeIfYouCan does, atomically."""
    import h5py  # on use: only this format needs it

    with atomic_path(path) as tmp, h5py.File(tmp, "w") as file:
        file.create_dataset(
            SMIYC_DATASET, data=scores.astype(np.float16), compression="gzip", compression_opts=9
        )


def read_score_file(path: str | os.PathLike) -> np.ndarray:
    """The ``[H, W]`` score map in ``path``, by its suffix (:data:`SCORE_SUFFIXES`).

    ``.npy`` and ``.hdf5`` keep their dtype (float16 stays float16, as stored); a 16-bit PNG is
    read as value / 65535 and an 8-bit one as value / 255, in float32.

    Raises:
        ValueError: unknown suffix, unreadable file, not a 2-D map of real numbers, or NaN; the
            message names the file.
    """
    path = Path(path)
    try:
        scores = _READERS[path.suffix.lower()](path)
    except KeyError:
        raise ValueError(
            f"'{path}': not a score file (suffixes {', '.join(SCORE_SUFFIXES)})"
        ) from None
    except (OSError, UnidentifiedImageError) as error:
        raise ValueError(f"'{path}': unreadable score file ({error})") from None
    if scores.ndim != 2 or scores.dtype.kind not in "iuf":
        raise ValueError(
            f"'{path}': expected an [H, W] map of real scores, got {scores.dtype} {scores.shape}"
        )
    if scores.dtype.kind == "f" and np.isnan(scores).any():
        raise ValueError(f"'{path}': scores contain NaN")
    return scores


def _read_npy(path: Path) -> np.ndarray:
    try:
        return np.load(path, allow_pickle=False)
    except ValueError as error:  # an object array, which would need unpickling
        raise OSError(error) from None


def _read_hdf5(path: Path) -> np.ndarray:
    import h5py  # on use: only this format needs it

    with h5py.File(path, "r") as file:
        if SMIYC_DATASET not in file:
            raise OSError(f"no dataset '{SMIYC_DATASET}' (SegmentMeIfYouCan's layout)")
        return file[SMIYC_DATASET][()]


def _read_png(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        image.load()
        if image.mode not in _PNG_SCALE:
            raise OSError(f"mode '{image.mode}': a score PNG is one 16-bit (or 8-bit) channel")
        return np.asarray(image).astype(np.float32) / np.float32(_PNG_SCALE[image.mode])


_READERS = {".npy": _read_npy, SMIYC_SUFFIX: _read_hdf5, ".png": _read_png}
