"""Benchmark: end-to-end images/s of the inference pipeline, batched against per image, and of
its networks in ONNX Runtime against torch.

Every path runs an ``AnomalyDetector`` on the same in-memory street scenes and produces every
map at the image's size (the work the ``inference`` pipeline does before writing):

* ``batched``: ``AnomalyDetector.analyse_stream`` as the pipeline runs it, ``--batch-size``
  images per forward pass of every network;
* ``per image``: ``AnomalyDetector.analyse`` called once per image (batch of one), as a service
  answering one request at a time would.

Each runs on two runtimes: torch (the pipeline's detector, dissimilarity network in
channels_last) and ONNX Runtime (``AnomalyDetector.from_onnx`` on the segmentation, synthesis
and dissimilarity networks exported by the ``export`` pipeline's code, the VGG19 perceptual
difference in torch; ``ONNX Runtime, 4 graphs`` exports that too). Softmax maps, resizing and
fusion stay in torch/numpy on both. The last column is the largest difference of the final
anomaly maps from torch's, so a fast but wrong path shows.

The networks are the demo's (compact DeepLab, compact SPADE, VGG19 with random weights, the
"ours" dissimilarity network) at the demo's resolutions (segmentation 256x512, synthesis and
dissimilarity 128x256, conf/base); ``--original-sizes`` uses 1024x2048 / 256x512 instead. The
paths alternate for ``--repeats`` rounds and the best round of each is reported, so background
load hits all alike. Timings exclude writing files.

    .venv/bin/python benchmarks/inference.py
    .venv/bin/python benchmarks/inference.py --images 4 --repeats 1
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable

import numpy as np
import onnx
import torch

from synboost_kedro.export import (
    OnnxExportSpec,
    dissimilarity_spec,
    export_to_onnx,
    perceptual_spec,
    segmentation_spec,
    synthesis_spec,
)
from synboost_kedro.export.runtime import onnx_session
from synboost_kedro.inference import AnomalyDetector, DetectorSettings
from synboost_kedro.models.dissimilarity import create_dissimilarity_model
from synboost_kedro.models.segmentation import create_segmentation_model
from synboost_kedro.models.synthesis import create_synthesis_model
from synboost_kedro.synthetic.render import render_cityscapes_frame
from timing import median_time

IMAGE_SIZE = (512, 1024)


def scenes(count: int) -> dict[str, np.ndarray]:
    """``count`` rendered street scenes at :data:`IMAGE_SIZE`."""
    return {
        f"bench_{index:06d}_000019": render_cityscapes_frame(
            f"bench_{index:06d}_000019", *IMAGE_SIZE, seed=index
        ).image
        for index in range(count)
    }


#: Tracing size of the exports; their height and width stay dynamic.
EXPORT_SIZES = {"batch": 1, "height": 64, "width": 128}


def batched_path(detector: AnomalyDetector, images: dict[str, np.ndarray]) -> list[np.ndarray]:
    loaders = {name: (lambda image=image: image) for name, image in images.items()}
    return [analysis.anomaly for _, _, analysis in detector.analyse_stream(loaders)]


def per_image_path(detector: AnomalyDetector, images: dict[str, np.ndarray]) -> list[np.ndarray]:
    return [detector.analyse(images[name]).anomaly for name in sorted(images)]


def exported_networks(
    detector: AnomalyDetector,
) -> dict[str, tuple[OnnxExportSpec, onnx.ModelProto]]:
    """The export interface and ONNX export of each network of ``detector``."""
    models = detector.map_models
    specs = {
        "segmentation": segmentation_spec(models.segmentation),
        "synthesis": synthesis_spec(models.synthesis),
        "dissimilarity": dissimilarity_spec(detector.dissimilarity),
        "perceptual": perceptual_spec(models.perceptual),
    }
    return {name: (spec, export_to_onnx(spec, EXPORT_SIZES)) for name, spec in specs.items()}


def onnx_detectors(
    exports: dict[str, tuple[OnnxExportSpec, onnx.ModelProto]],
    settings: DetectorSettings,
    threads: int,
) -> dict[str, AnomalyDetector]:
    """ONNX Runtime detectors: three graphs (VGG19 in torch), and all four."""
    graphs = {name: graph for name, (_, graph) in exports.items()}
    trained = [graphs[name] for name in ("segmentation", "synthesis", "dissimilarity")]
    return {
        "ONNX Runtime": AnomalyDetector.from_onnx(*trained, settings=settings, threads=threads),
        "ONNX Runtime, 4 graphs": AnomalyDetector.from_onnx(
            *trained, graphs["perceptual"], settings=settings, threads=threads
        ),
    }


def network_times(
    exports: dict[str, tuple[OnnxExportSpec, onnx.ModelProto]],
    settings: DetectorSettings,
    threads: int,
) -> dict[str, tuple[float, float]]:
    """Median seconds of one batch-1 forward of each network, torch and ONNX Runtime, at the
    detector's sizes."""
    sizes = {
        "segmentation": settings.segmentation_size or IMAGE_SIZE,
        "synthesis": settings.synthesis_size,
        "dissimilarity": settings.dissimilarity_size,
        "perceptual": settings.dissimilarity_size,
    }
    times = {}
    for name, (spec, graph) in exports.items():
        height, width = sizes[name]
        inputs = spec.sample_inputs(
            {"batch": 1, "height": height, "width": width}, torch.Generator().manual_seed(0)
        )
        session = onnx_session(graph, threads=threads)
        feed = {
            tensor.name: value.numpy() for tensor, value in zip(spec.inputs, inputs, strict=True)
        }
        with torch.inference_mode():
            times[name] = (
                median_time(lambda spec=spec, inputs=inputs: spec.module(*inputs), repeats=3),
                median_time(lambda session=session, feed=feed: session.run(None, feed), repeats=3),
            )
    return times


def timed(run: Callable[[], list[np.ndarray]]) -> tuple[float, list[np.ndarray]]:
    """Images/s of ``run`` and its anomaly maps."""
    start = time.perf_counter()
    anomalies = run()
    return len(anomalies) / (time.perf_counter() - start), anomalies


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
    detectors = {
        "torch": AnomalyDetector(
            create_segmentation_model("compact_deeplab"),
            create_synthesis_model("spade_compact"),
            create_dissimilarity_model("vgg16"),
            settings=settings,
            device="cpu",
        )
    }
    exports = exported_networks(detectors["torch"])
    detectors.update(onnx_detectors(exports, settings, args.threads))
    images = scenes(args.images)
    paths: dict[str, Callable[[], list[np.ndarray]]] = {}
    for runtime, detector in detectors.items():
        paths[f"{runtime}, per image"] = lambda detector=detector: per_image_path(detector, images)
        paths[f"{runtime}, batched"] = lambda detector=detector: batched_path(detector, images)
    rates: dict[str, list[float]] = {name: [] for name in paths}
    anomalies: dict[str, list[np.ndarray]] = {}
    for _ in range(args.repeats):
        for name, run in paths.items():
            rate, anomalies[name] = timed(run)
            rates[name].append(rate)

    print(
        f"{args.images} images of {IMAGE_SIZE[0]}x{IMAGE_SIZE[1]}, networks at "
        f"segmentation {settings.segmentation_size}, synthesis {settings.synthesis_size}, "
        f"dissimilarity {settings.dissimilarity_size}; batch {args.batch_size}; "
        f"{args.threads} threads (torch and ONNX Runtime), best of {args.repeats}"
    )
    baseline_name = "torch, per image"
    baseline = max(rates[baseline_name])
    reference = anomalies[baseline_name]
    print(
        f"| {'path':<36} | {'images/s':>8} | {'vs torch per image':>18} | {'max |Δ anomaly|':>15} |"
    )
    print(f"|{'-' * 38}|{'-' * 10}|{'-' * 20}|{'-' * 17}|")
    for name in paths:
        best = max(rates[name])
        difference = max(
            float(np.abs(mine - theirs).max())
            for mine, theirs in zip(anomalies[name], reference, strict=True)
        )
        print(f"| {name:<36} | {best:>8.3f} | {best / baseline:>17.2f}x | {difference:>15.2e} |")

    print()
    print("one forward at batch 1, at the detector's sizes (median of 3)")
    print(f"| {'network':<14} | {'torch (s)':>9} | {'ONNX Runtime (s)':>16} | {'speed-up':>8} |")
    print(f"|{'-' * 16}|{'-' * 11}|{'-' * 18}|{'-' * 10}|")
    for name, (torch_seconds, onnx_seconds) in network_times(
        exports, settings, args.threads
    ).items():
        print(
            f"| {name:<14} | {torch_seconds:>9.3f} | {onnx_seconds:>16.3f} "
            f"| {torch_seconds / onnx_seconds:>7.2f}x |"
        )


if __name__ == "__main__":
    main()
