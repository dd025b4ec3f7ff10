"""Benchmark: exact streaming pixel metrics against scikit-learn on the concatenated pixels.

Every (method, score dtype) pair runs in a fresh subprocess so that the peak resident memory
(``ru_maxrss``) of each is measured alone. Frames are synthetic but realistic: a smooth random
background field, ~2% anomaly pixels in blobs that raise the score, per-pixel noise, and the bottom
rows marked void (255). The baseline runs ``average_precision_score``, ``roc_auc_score`` and
``roc_curve(drop_intermediate=False)`` on all valid pixels at once, as SynBoost's ``test.py``
and the Fishyscapes code do; ours streams the frames through ``PixelMetricAccumulator``.
Timings exclude frame generation.

    .venv/bin/python benchmarks/metrics.py                       # 50 frames of 1024x2048
    .venv/bin/python benchmarks/metrics.py --frames 5 --size 256x512
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np
from scipy import ndimage, special

ANOMALY_FRACTION = 0.02
VOID_ROW_FRACTION = 0.08
TOLERANCE = 1e-9
METHODS = ("ours", "sklearn")


def make_frame(index: int, height: int, width: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Float32 scores in (0, 1) and uint8 labels (0 normal, 1 anomaly, 255 void) of one frame."""
    rng = np.random.default_rng([seed, index])
    background = _smooth_field(rng, height, width, cell=64)
    anomaly_field = _smooth_field(rng, height, width, cell=16)
    anomaly = anomaly_field > np.quantile(anomaly_field, 1.0 - ANOMALY_FRACTION)
    labels = anomaly.astype(np.uint8)
    labels[int(height * (1.0 - VOID_ROW_FRACTION)) :] = 255
    logits = 1.2 * background + 2.5 * anomaly + 0.6 * rng.standard_normal((height, width))
    return special.expit(logits - 1.5).astype(np.float32), labels


def _smooth_field(rng: np.random.Generator, height: int, width: int, cell: int) -> np.ndarray:
    coarse = rng.standard_normal((max(height // cell, 2), max(width // cell, 2)))
    factors = (height / coarse.shape[0], width / coarse.shape[1])
    return ndimage.zoom(coarse, factors, order=1, grid_mode=True, mode="nearest")


def run_ours(frames: int, height: int, width: int, dtype: np.dtype, seed: int) -> dict:
    from synboost_kedro.metrics import PixelMetricAccumulator

    accumulator = PixelMetricAccumulator()
    seconds = 0.0
    for index in range(frames):
        scores, labels = make_frame(index, height, width, seed)
        scores = scores.astype(dtype)
        start = time.perf_counter()
        accumulator.update(scores, labels)
        seconds += time.perf_counter() - start
    start = time.perf_counter()
    metrics = accumulator.compute()
    seconds += time.perf_counter() - start
    return {
        "seconds": seconds,
        "ap": metrics.average_precision,
        "auroc": metrics.auroc,
        "fpr95": metrics.fpr_at_95_tpr,
    }


def run_sklearn(frames: int, height: int, width: int, dtype: np.dtype, seed: int) -> dict:
    from sklearn.metrics import average_precision_score, roc_auc_score, roc_curve

    pixels = height * width
    all_scores = np.empty(frames * pixels, dtype=dtype)
    all_labels = np.empty(frames * pixels, dtype=np.uint8)
    for index in range(frames):
        scores, labels = make_frame(index, height, width, seed)
        all_scores[index * pixels : (index + 1) * pixels] = scores.ravel()
        all_labels[index * pixels : (index + 1) * pixels] = labels.ravel()
    start = time.perf_counter()
    valid = all_labels <= 1
    scores, labels = all_scores[valid], all_labels[valid]
    del valid, all_scores, all_labels
    ap = average_precision_score(labels, scores)
    auroc = roc_auc_score(labels, scores)
    fpr, tpr, _ = roc_curve(labels, scores, drop_intermediate=False)
    fpr95 = fpr[np.searchsorted(tpr, 0.95, "left")]
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "ap": float(ap), "auroc": float(auroc), "fpr95": float(fpr95)}


def worker(args: argparse.Namespace) -> None:
    height, width = args.size
    run = run_ours if args.worker == "ours" else run_sklearn
    result = run(args.frames, height, width, np.dtype(args.dtype), args.seed)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def measure(method: str, dtype: str, args: argparse.Namespace) -> dict:
    height, width = args.size
    command = [
        sys.executable,
        __file__,
        "--worker",
        method,
        "--dtype",
        dtype,
        "--frames",
        str(args.frames),
        "--size",
        f"{height}x{width}",
        "--seed",
        str(args.seed),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main(args: argparse.Namespace) -> None:
    height, width = args.size
    print(f"{args.frames} frames of {height}x{width}; each run in a fresh subprocess")
    header = (
        f"{'dtype':8} {'method':8} {'time s':>8} {'peak MB':>9} "
        f"{'speed-up':>9} {'memory':>8} {'max |diff|':>11}"
    )
    print(header)
    print("-" * len(header))
    all_within_tolerance = True
    for dtype in args.dtypes:
        results = {method: measure(method, dtype, args) for method in METHODS}
        ours, baseline = results["ours"], results["sklearn"]
        difference = max(abs(ours[key] - baseline[key]) for key in ("ap", "auroc", "fpr95"))
        all_within_tolerance &= difference <= TOLERANCE
        for method in METHODS:
            result = results[method]
            print(
                f"{dtype:8} {method:8} {result['seconds']:8.2f} {result['peak_mb']:9.0f} "
                f"{baseline['seconds'] / result['seconds']:8.1f}x "
                f"{result['peak_mb'] / baseline['peak_mb']:7.2f}x {difference:11.1e}"
            )
        print(
            f"{dtype:8} metrics  AP {ours['ap']:.6f}  AUROC {ours['auroc']:.6f}  "
            f"FPR95 {ours['fpr95']:.6f}"
        )
    print("speed-up = sklearn time / time; memory = peak / sklearn peak (whole process)")
    print(f"all differences <= {TOLERANCE:g}: {all_within_tolerance}")
    if not all_within_tolerance:
        sys.exit(1)


def parse_size(text: str) -> tuple[int, int]:
    height, width = (int(part) for part in text.lower().split("x"))
    return height, width


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=50)
    parser.add_argument("--size", type=parse_size, default=(1024, 2048), help="HxW")
    parser.add_argument(
        "--dtypes", type=lambda text: text.split(","), default=["float16", "float32"]
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--worker", choices=METHODS, help=argparse.SUPPRESS)
    parser.add_argument("--dtype", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker:
        worker(arguments)
    else:
        main(arguments)
