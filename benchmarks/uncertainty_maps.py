"""Benchmark: the batched uncertainty-map path against a naive per-image loop, same models.

Both paths compute identical maps (segmentation → entropy, distance, prediction; synthesis from
the prediction; VGG19 perceptual difference) for PNG frames of a given size, read from disk:

* ``batched``: ``compute_maps`` as the pipeline runs it (DataLoader workers decoding and resizing,
  ``--batch-size`` frames per forward pass, channels-last networks, ``torch.inference_mode()``);
* ``naive``: a plain loop, one frame at a time, decoding and resizing in the main process,
  networks in the default layout under ``torch.no_grad()``, as the original scripts do.

The networks are the demo's (compact DeepLab, compact SPADE, VGG19 with random weights); the
synthesis and perceptual sizes are the demo's 128x256 unless given. The two paths alternate for
``--repeats`` rounds and the best round of each is reported, so background load hits both alike.
Timings exclude writing the maps.

    .venv/bin/python benchmarks/uncertainty_maps.py
    .venv/bin/python benchmarks/uncertainty_maps.py --frames 4 --sizes 256x512 --repeats 1
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from synboost_kedro.datasets import ProcessedDataset
from synboost_kedro.frames import ProcessedFrame
from synboost_kedro.models.perceptual import PerceptualDifference
from synboost_kedro.models.segmentation import create_segmentation_model
from synboost_kedro.models.synthesis import create_synthesis_model
from synboost_kedro.synthetic.render import render_cityscapes_frame
from synboost_kedro.uncertainty import MapConfig, MapModels, SynthesisLabels, compute_maps
from synboost_kedro.uncertainty.frame_inputs import FrameInputs
from synboost_kedro.uncertainty.map_generation import maps_of_batch


def parse_size(text: str) -> tuple[int, int]:
    height, width = text.lower().split("x")
    return int(height), int(width)


def write_frames(root: Path, count: int, size: tuple[int, int]) -> dict:
    """Render ``count`` street scenes at 256x512, upscale them to ``size`` and store them as PNG."""
    frames = {}
    for index in range(count):
        frame_id = f"bench_{index:06d}_000019"
        image = render_cityscapes_frame(frame_id, 256, 512, seed=index).image
        if image.shape[:2] != size:
            image = np.asarray(Image.fromarray(image).resize(size[::-1], Image.Resampling.BICUBIC))
        frames[frame_id] = ProcessedFrame(frame_id, image)
    dataset = ProcessedDataset(str(root), ["image"])
    dataset.save(frames)
    return dataset.load()


def naive_loop(loaders: dict, models: MapModels, config: MapConfig) -> int:
    inputs = FrameInputs(loaders, sorted(loaders), config)
    models = models.prepared(config.device, config.channels_last)
    count = 0
    with torch.no_grad():
        for index in range(len(inputs)):
            count += len(maps_of_batch([inputs[index]], models, config))
    return count


def batched_path(loaders: dict, models: MapModels, config: MapConfig) -> int:
    return sum(1 for _ in compute_maps(loaders, sorted(loaders), models, config))


def frames_per_second(run, loaders: dict, models: MapModels, config: MapConfig) -> float:
    start = time.perf_counter()
    count = run(loaders, models, config)
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=4)
    parser.add_argument("--sizes", default="256x512,1024x2048", help="comma-separated HxW")
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--synthesis-size", type=parse_size, default=(128, 256))
    parser.add_argument("--perceptual-size", type=parse_size, default=(128, 256))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    logging.basicConfig(level=logging.ERROR)

    torch.manual_seed(0)
    models = MapModels(
        create_segmentation_model("compact_deeplab"),
        create_synthesis_model("spade_compact"),
        PerceptualDifference(seed=0),
    )
    print(
        f"{args.frames} frames, batch {args.batch_size}, {args.workers} workers, "
        f"{args.threads} torch threads, synthesis {args.synthesis_size}, "
        f"perceptual {args.perceptual_size}, best of {args.repeats}"
    )
    print(f"{'frame size':>12} {'naive f/s':>10} {'batched f/s':>12} {'speed-up':>9}")
    for size in map(parse_size, args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            loaders = write_frames(Path(folder), args.frames, size)
            settings = {
                "segmentation_size": size,
                "synthesis_size": args.synthesis_size,
                "perceptual_size": args.perceptual_size,
                "synthesis_labels": SynthesisLabels.PREDICTION,
            }
            naive = MapConfig(**settings, channels_last=False)
            batched = MapConfig(**settings, batch_size=args.batch_size, num_workers=args.workers)
            rates = {"naive": [], "batched": []}
            for _ in range(args.repeats):
                rates["naive"].append(frames_per_second(naive_loop, loaders, models, naive))
                rates["batched"].append(frames_per_second(batched_path, loaders, models, batched))
        best_naive, best_batched = max(rates["naive"]), max(rates["batched"])
        print(
            f"{size[0]:>5}x{size[1]:<6} {best_naive:>10.3f} {best_batched:>12.3f} "
            f"{best_batched / best_naive:>8.2f}x"
        )


if __name__ == "__main__":
    main()
