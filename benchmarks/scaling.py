"""Benchmark: uncertainty maps (frames/s) and dissimilarity training (steps/s), 1 vs 2 processes.

Each workload runs three ways in the same run, on the same frames:

* ``1 proc x 1 thread``: the plain in-process path (``nproc_per_node: 1``), the baseline;
* ``1 proc x 2 threads``: the same path with intra-op threads on both cores, for reference;
* ``2 procs x 1 thread``: ``torchrun`` with two ranks (gloo), launched as the Kedro nodes do.

A torchrun job also pays for starting Python, importing torch and unpickling the job in every
rank. That launch cost is measured separately by repeating the job with nothing left to do
(every map already stored; every epoch already in ``resume_dir``), and the ``steady`` rate
subtracts it. Scaling efficiency = speedup over the baseline / number of processes.

    .venv/bin/python benchmarks/scaling.py
    .venv/bin/python benchmarks/scaling.py --frames 32 --train-size 128x256
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from synboost_kedro.datasets import ProcessedDataset
from synboost_kedro.frames import ANOMALY, ProcessedFrame
from synboost_kedro.models.perceptual import PerceptualDifference
from synboost_kedro.models.segmentation import create_segmentation_model
from synboost_kedro.models.synthesis import create_synthesis_model
from synboost_kedro.parallel import LaunchConfig
from synboost_kedro.synthetic.render import render_cityscapes_frame
from synboost_kedro.training.dissimilarity import DissimilarityTrainingConfig, train_dissimilarity
from synboost_kedro.training.dissimilarity_data import DissimilarityDataset
from synboost_kedro.training.distributed import launch_training
from synboost_kedro.uncertainty import MapConfig, MapModels, MapProducer, SynthesisLabels
from synboost_kedro.uncertainty.sharding import ShardedMapProducer

MAP_FIELDS = ["semantic", "synthesis", "entropy", "distance", "perceptual"]
TWO_PROCESSES = LaunchConfig(nproc_per_node=2, backend="gloo", threads_per_process=1)
WEIGHTS = np.array([1.5, 10.0])


def parse_size(text: str) -> tuple[int, int]:
    height, width = text.lower().split("x")
    return int(height), int(width)


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def with_threads(threads: int, run: Callable[[], object]) -> float:
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        return timed(run)
    finally:
        torch.set_num_threads(previous)


def street_frames(root: Path, count: int) -> dict:
    """Rendered street scenes (image, label and instance ids) stored as the pipeline stores them."""
    frames = {}
    for index in range(count):
        frame_id = f"bench_{index:06d}_000019"
        scene = render_cityscapes_frame(frame_id, 256, 512, seed=index)
        frames[frame_id] = ProcessedFrame(
            frame_id,
            scene.image,
            label_ids=scene.label_ids,
            instance_ids=scene.instance_ids,
        )
    dataset = ProcessedDataset(str(root), ["image", "label_ids", "instance_ids"])
    dataset.save(frames)
    return dataset.load()


def training_pairs(
    root: Path, name: str, count: int, size: tuple[int, int]
) -> DissimilarityDataset:
    """Random frames and maps with one anomalous box each: content does not change the cost."""
    rng = np.random.default_rng(len(name))
    frames, maps = {}, {}
    for index in range(count):
        frame_id = f"{name}_{index:06d}_000019"
        label = np.zeros(size, dtype=np.uint8)
        label[: size[0] // 3, : size[1] // 3] = ANOMALY
        image = rng.integers(0, 256, (*size, 3), dtype=np.uint8)
        semantic = rng.integers(0, 19, size, dtype=np.uint8)
        frames[frame_id] = ProcessedFrame(frame_id, image, label=label, semantic=semantic)
        priors = {key: rng.integers(0, 256, size, dtype=np.uint8) for key in MAP_FIELDS[2:]}
        maps[frame_id] = ProcessedFrame(frame_id, semantic=semantic, synthesis=image, **priors)
    stored = []
    for folder, fields, content in (
        ("frames", ["image", "label", "semantic"], frames),
        ("maps", MAP_FIELDS, maps),
    ):
        dataset = ProcessedDataset(str(root / folder / name), fields)
        dataset.save(content)
        stored.append(dataset.load())
    return DissimilarityDataset(*stored, *size, name)


def measure_maps(root: Path, frames: dict, size: tuple[int, int]) -> dict[str, tuple[float, float]]:
    """``{way: (end-to-end seconds, launch seconds)}`` for the maps of ``frames``."""
    models = MapModels(
        create_segmentation_model("compact_deeplab"),
        create_synthesis_model("spade_compact"),
        PerceptualDifference(seed=0),
    )
    config = MapConfig(
        segmentation_size=size,
        synthesis_size=size,
        perceptual_size=size,
        synthesis_labels=SynthesisLabels.ANNOTATION,
        batch_size=4,
    )

    def in_process(threads: int) -> float:
        store = ProcessedDataset(str(root / f"maps_{threads}"), MAP_FIELDS)
        return with_threads(threads, lambda: store.save(MapProducer(frames, models, config)))

    store = ProcessedDataset(str(root / "maps_ddp"), MAP_FIELDS)
    sharded = ShardedMapProducer(frames, models, config, TWO_PROCESSES)
    total = timed(lambda: store.save(sharded))
    launch = timed(lambda: store.save(sharded))  # every frame stored: only the launch is left
    return {"1x1": (in_process(1), 0.0), "1x2": (in_process(2), 0.0), "2x1": (total, launch)}


def measure_training(
    root: Path, frames: int, size: tuple[int, int]
) -> dict[str, tuple[float, float]]:
    """``{way: (end-to-end seconds, launch seconds)}`` of one epoch over ``frames`` frames."""
    train = training_pairs(root, "train", frames, size)
    val = training_pairs(root, "val", 2, size)

    def config(folder: str) -> DissimilarityTrainingConfig:
        return DissimilarityTrainingConfig(
            epochs=1,
            batch_size=4,
            height=size[0],
            width=size[1],
            device="cpu",
            resume_dir=str(root / folder),
        )

    def in_process(threads: int) -> float:
        return with_threads(
            threads, lambda: train_dissimilarity(config(f"state_{threads}"), train, val, WEIGHTS)
        )

    def two_processes() -> object:
        return launch_training(TWO_PROCESSES, config("state_ddp"), train, val, WEIGHTS)

    total = timed(two_processes)
    launch = timed(two_processes)  # the epoch is in resume_dir: only the launch is left
    return {"1x1": (in_process(1), 0.0), "1x2": (in_process(2), 0.0), "2x1": (total, launch)}


def print_table(title: str, unit: str, work: int, timings: dict) -> None:
    ways = {"1x1": "1 proc x 1 thread", "1x2": "1 proc x 2 threads", "2x1": "2 procs x 1 thread"}
    baseline = work / timings["1x1"][0]
    print(f"\n{title} ({work} {unit})")
    print(
        f"{'way':<20} {'seconds':>8} {'launch s':>9} {unit + '/s':>11} {'steady/s':>9} "
        f"{'speedup':>8} {'efficiency':>10}"
    )
    for key, label in ways.items():
        total, launch = timings[key]
        rate, steady = work / total, work / (total - launch)
        speedup = steady / baseline
        processes = int(key[0])
        print(
            f"{label:<20} {total:8.2f} {launch:9.2f} {rate:11.3f} {steady:9.3f} "
            f"{speedup:7.2f}x {speedup / processes:9.0%}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=16, help="frames per workload")
    parser.add_argument("--map-size", type=parse_size, default=(128, 256))
    parser.add_argument("--train-size", type=parse_size, default=(64, 128))
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        frames = street_frames(root / "frames", args.frames)
        maps = measure_maps(root, frames, args.map_size)
        training = measure_training(root, args.frames, args.train_size)
    h, w = args.map_size
    print_table(f"Uncertainty maps at {h}x{w}, demo networks", "frames", args.frames, maps)
    h, w = args.train_size
    steps = -(-args.frames // 4)
    print_table(f"Dissimilarity training 'ours' at {h}x{w}, batch 4", "steps", steps, training)


if __name__ == "__main__":
    main()
