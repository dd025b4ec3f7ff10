"""Benchmark: end-to-end images/s of the inference pipeline's batched path against per-image calls.

Both paths run the same ``AnomalyDetector`` on the same in-memory street scenes and produce
every map at the image's size (the work the ``inference`` pipeline does before writing):

* ``batched``: ``AnomalyDetector.analyse_stream`` as the pipeline runs it, ``--batch-size``
  images per forward pass of every network;
* ``per image``: ``AnomalyDetector.analyse`` called once per image (batch of one), as a service
  answering one request at a time would.

The networks are the demo's (compact DeepLab, compact SPADE, VGG19 with random weights, the
"ours" dissimilarity network) at the demo's resolutions (segmentation 256x512, synthesis and
dissimilarity 128x256, conf/base); ``--original-sizes`` uses 1024x2048 / 256x512 instead. The
paths alternate for ``--repeats`` rounds and the best round of each is reported, so background
load hits both alike. Timings exclude writing files.

    .venv/bin/python benchmarks/inference.py
    .venv/bin/python benchmarks/inference.py --images 4 --repeats 1
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable

import numpy as np
import torch

from synboost_kedro.detector import AnomalyDetector, DetectorSettings
from synboost_kedro.models.dissimilarity.factory import create_dissimilarity_model
from synboost_kedro.models.segmentation import create_segmentation_model
from synboost_kedro.models.synthesis import create_synthesis_model
from synboost_kedro.synthetic.render import render_cityscapes_frame

IMAGE_SIZE = (512, 1024)


def scenes(count: int) -> dict[str, np.ndarray]:
    """``count`` rendered street scenes at :data:`IMAGE_SIZE`."""
    return {
        f"bench_{index:06d}_000019": render_cityscapes_frame(
            f"bench_{index:06d}_000019", *IMAGE_SIZE, seed=index
        ).image
        for index in range(count)
    }


def batched_path(detector: AnomalyDetector, images: dict[str, np.ndarray]) -> int:
    loaders = {name: (lambda image=image: image) for name, image in images.items()}
    return sum(1 for _ in detector.analyse_stream(loaders))


def per_image_path(detector: AnomalyDetector, images: dict[str, np.ndarray]) -> int:
    return sum(1 for image in images.values() if detector.analyse(image) is not None)


def images_per_second(
    run: Callable[[AnomalyDetector, dict], int],
    detector: AnomalyDetector,
    images: dict[str, np.ndarray],
) -> float:
    start = time.perf_counter()
    count = run(detector, images)
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--original-sizes", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    logging.basicConfig(level=logging.ERROR)

    if args.original_sizes:
        settings = DetectorSettings(batch_size=args.batch_size)
    else:
        settings = DetectorSettings(
            segmentation_size=(256, 512),
            synthesis_size=(128, 256),
            dissimilarity_size=(128, 256),
            batch_size=args.batch_size,
        )
    torch.manual_seed(0)
    detector = AnomalyDetector(
        create_segmentation_model("compact_deeplab"),
        create_synthesis_model("spade_compact"),
        create_dissimilarity_model("vgg16"),
        settings=settings,
        device="cpu",
    )
    images = scenes(args.images)
    rates: dict[str, list[float]] = {"per image": [], "batched": []}
    for _ in range(args.repeats):
        rates["per image"].append(images_per_second(per_image_path, detector, images))
        rates["batched"].append(images_per_second(batched_path, detector, images))

    print(
        f"{args.images} images of {IMAGE_SIZE[0]}x{IMAGE_SIZE[1]}, networks at "
        f"segmentation {settings.segmentation_size}, synthesis {settings.synthesis_size}, "
        f"dissimilarity {settings.dissimilarity_size}; {args.threads} torch threads, "
        f"best of {args.repeats}"
    )
    baseline = max(rates["per image"])
    print(f"{'path':>24} {'images/s':>9} {'vs per image':>13}")
    labels = {"per image": "per image (batch 1)", "batched": f"batched (batch {args.batch_size})"}
    for name, label in labels.items():
        best = max(rates[name])
        print(f"{label:>24} {best:>9.3f} {best / baseline:>12.2f}x")


if __name__ == "__main__":
    main()
