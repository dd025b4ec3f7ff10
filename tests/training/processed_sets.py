"""Tiny processed training and validation sets, written in the catalog's folder layout."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from synboost_kedro.datasets import ProcessedDataset
from synboost_kedro.frames import ANOMALY, IGNORE, ProcessedFrame

FRAME_FIELDS = ["image", "label", "semantic", "label_ids", "instance_ids"]
MAP_FIELDS = ["semantic", "synthesis", "entropy", "distance", "perceptual"]


def make_pair(
    frame_id: str, height: int, width: int, seed: int
) -> tuple[ProcessedFrame, ProcessedFrame]:
    """A random but valid (swapped frame, uncertainty maps) pair with one anomalous box.

    The synthesis differs from the image and the priors are high on the box, so a network can
    learn something from it; the top rows of the
    semantic map and the bottom row of the label are void (255).
    """
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    label = np.zeros((height, width), dtype=np.uint8)
    top, left = rng.integers(0, height // 2), rng.integers(0, width // 2)
    box = (slice(top, top + height // 3), slice(left, left + width // 3))
    label[box] = ANOMALY
    label[-1] = IGNORE
    semantic = rng.integers(0, 19, (height, width), dtype=np.uint8)
    semantic[:2] = 255
    synthesis = image.copy()
    synthesis[box] = 255 - synthesis[box]
    priors = {}
    for name in ("entropy", "distance", "perceptual"):
        prior = rng.integers(0, 100, (height, width), dtype=np.uint8)
        prior[box] += 150
        priors[name] = prior
    frame = ProcessedFrame(
        frame_id,
        image=image,
        label=label,
        semantic=semantic,
        label_ids=rng.integers(0, 34, (height, width), dtype=np.uint8),
        instance_ids=rng.integers(0, 34, (height, width)).astype(np.int32),
    )
    maps = ProcessedFrame(frame_id, semantic=semantic, synthesis=synthesis, **priors)
    return frame, maps


def write_processed_set(
    root: Path, name: str, num_frames: int, *, height: int = 32, width: int = 64, seed: int = 0
) -> tuple[ProcessedDataset, ProcessedDataset]:
    """Write ``name`` under ``root/data/03_primary`` and ``root/data/04_feature`` as the catalog
    expects, and return the (frames, maps) datasets."""
    frames = ProcessedDataset(str(root / "data/03_primary" / name), FRAME_FIELDS)
    maps = ProcessedDataset(str(root / "data/04_feature" / name), MAP_FIELDS)
    pairs = [
        make_pair(f"{name}_{index:03d}", height, width, seed * 1000 + index)
        for index in range(num_frames)
    ]
    frames.save({frame.frame_id: frame for frame, _ in pairs})
    maps.save({frame.frame_id: frame_maps for frame, frame_maps in pairs})
    return frames, maps
