"""Per-frame random generators, so a frame's draws depend on its id only (not on order or count)."""

from __future__ import annotations

import hashlib

import numpy as np


def frame_rng(seed: int, frame_id: str) -> np.random.Generator:
    """A generator seeded from ``(seed, frame_id)``.

    The frame id is hashed with BLAKE2b rather than Python's ``hash()``, which is salted per
    process and would make runs irreproducible.

    Args:
        seed: The run's global seed.
        frame_id: The frame's id.

    Returns:
        A fresh ``numpy.random.Generator``; equal arguments give identical streams.
    """
    digest = hashlib.blake2b(frame_id.encode("utf-8"), digest_size=8).digest()
    entropy = [seed, int.from_bytes(digest, "little")]
    return np.random.default_rng(np.random.SeedSequence(entropy))
