from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from synboost_kedro.preparation import frame_rng


def test_same_seed_and_frame_give_the_same_stream():
    first = frame_rng(3, "aachen_000000_000019").integers(0, 2**31, size=8)
    again = frame_rng(3, "aachen_000000_000019").integers(0, 2**31, size=8)
    np.testing.assert_array_equal(first, again)


def test_frame_id_and_seed_both_change_the_stream():
    reference = frame_rng(3, "aachen_000000_000019").integers(0, 2**31, size=8)
    other_frame = frame_rng(3, "aachen_000000_000020").integers(0, 2**31, size=8)
    other_seed = frame_rng(4, "aachen_000000_000019").integers(0, 2**31, size=8)
    assert not np.array_equal(reference, other_frame)
    assert not np.array_equal(reference, other_seed)


def test_stream_does_not_depend_on_the_process_hash_salt():
    code = (
        "from synboost_kedro.preparation import frame_rng;"
        "print(frame_rng(3, 'aachen_000000_000019').integers(0, 2**31))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": salt},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for salt in ("1", "2")
    }
    assert len(outputs) == 1
