"""Memory and speed of the data_preparation node as the Cityscapes split grows.

The node returns ``{frame_id: callable}`` and the output dataset writes one frame at a time
(streaming). The baseline, measured in the same run, materialises every prepared frame first, as
the original scripts held their file lists and a user's naive loop would. Peak memory comes from
``tracemalloc`` (NumPy reports its buffers to it). Frames are 256x512 random scenes written as a
Cityscapes split; the write goes through the project's ProcessedDataset.

Usage: ``python benchmarks/data_preparation.py [--frames 8 32]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

from synboost_kedro.cityscapes import LABEL_ID_BY_NAME
from synboost_kedro.datasets import CityscapesDataset, ProcessedDataset
from synboost_kedro.frames import CityscapesFrame
from synboost_kedro.pipelines.data_preparation.nodes import swap_instance_labels
from synboost_kedro.preparation import ORIGINAL_REPLACEMENT_LABEL_IDS

HEIGHT, WIDTH = 256, 512
PARAMS = {
    "seed": 0,
    "replacement_label_ids": list(ORIGINAL_REPLACEMENT_LABEL_IDS),
    "void_objects": "dynamic",
    "ignore_void": False,
}
FIELDS = ["image", "label", "semantic", "label_ids", "instance_ids"]


def scene(frame_id: str, seed: int) -> CityscapesFrame:
    """Road and sky with six car instances at random places."""
    rng = np.random.default_rng(seed)
    label_ids = np.full((HEIGHT, WIDTH), LABEL_ID_BY_NAME["road"], dtype=np.uint8)
    label_ids[: HEIGHT // 2] = LABEL_ID_BY_NAME["sky"]
    instance_ids = label_ids.astype(np.int32)
    car = LABEL_ID_BY_NAME["car"]
    for k in range(6):
        top, left = rng.integers(HEIGHT // 2, HEIGHT - 40), rng.integers(0, WIDTH - 80)
        label_ids[top : top + 40, left : left + 80] = car
        instance_ids[top : top + 40, left : left + 80] = car * 1000 + k
    image = rng.integers(0, 256, (HEIGHT, WIDTH, 3), dtype=np.uint8)
    return CityscapesFrame(frame_id, image, label_ids, instance_ids)


def write_split(root: Path, frames: int) -> CityscapesDataset:
    dataset = CityscapesDataset(str(root), "train")
    ids = [f"benchcity_000000_{index:06d}" for index in range(frames)]
    dataset.save(
        {frame_id: (lambda f=frame_id, s=i: scene(f, s)) for i, frame_id in enumerate(ids)}
    )
    return dataset


def streaming(dataset: CityscapesDataset, output: ProcessedDataset) -> None:
    output.save(swap_instance_labels(dataset.load(), PARAMS))


def materialised(dataset: CityscapesDataset, output: ProcessedDataset) -> None:
    prepared = {
        frame_id: make() for frame_id, make in swap_instance_labels(dataset.load(), PARAMS).items()
    }
    output.save(prepared)


def measure(run: Callable[[CityscapesDataset, ProcessedDataset], None], dataset, out: Path):
    output = ProcessedDataset(str(out), FIELDS, overwrite=True)
    tracemalloc.start()
    start = time.perf_counter()
    run(dataset, output)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, nargs="+", default=[8, 32])
    args = parser.parse_args()
    print(
        f"{'frames':>6} | {'stream MiB':>10} | {'baseline MiB':>12} | {'baseline/stream':>15} "
        f"| {'stream ms/frame':>15} | {'baseline ms/frame':>17}"
    )
    first_peak = None
    with tempfile.TemporaryDirectory() as tmp:
        for frames in args.frames:
            dataset = write_split(Path(tmp) / f"cityscapes_{frames}", frames)
            stream_peak, stream_s = measure(streaming, dataset, Path(tmp) / f"stream_{frames}")
            base_peak, base_s = measure(materialised, dataset, Path(tmp) / f"base_{frames}")
            first_peak = first_peak or stream_peak
            print(
                f"{frames:>6} | {stream_peak:>10.1f} | {base_peak:>12.1f} | "
                f"{base_peak / stream_peak:>15.1f} | {1000 * stream_s / frames:>15.1f} | "
                f"{1000 * base_s / frames:>17.1f}"
            )
    print(f"streaming peak, largest / smallest split: {stream_peak / first_peak:.2f}")


if __name__ == "__main__":
    main()
