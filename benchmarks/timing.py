"""Timing helper shared by the benchmark scripts (importable because each script's folder is on
``sys.path`` when run as ``python benchmarks/<script>.py``)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_time(run: Callable[[], object], repeats: int, warm_up: bool = True) -> float:
    """Median seconds of ``repeats`` calls of ``run``.

    The warm-up call, not timed, creates kernels and primitives, packs weights and grows the
    allocators, which only the first call pays for.
    """
    if warm_up:
        run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
