"""ONNX Runtime against torch: forward time of the dissimilarity network on the CPU.

Exports the "ours" dissimilarity network with ``synboost_kedro.export`` (the ``export``
pipeline's code path) and times, in one run on the same seeded inputs, the torch eager forward
(the baseline), torch with ``optimize_for_cpu`` (channels_last) and an ONNX Runtime
``CPUExecutionProvider`` session opened as ``AnomalyDetector.from_onnx`` opens it (full graph
optimisation, the same thread count). Each row gives the median time, the speed-up over the
baseline and the maximum absolute difference from the baseline's logits.

Usage: ``python benchmarks/onnx_runtime.py [--quick] [--threads 2] [--repeats 5]``
"""

from __future__ import annotations

import argparse
import copy
from collections.abc import Callable

import numpy as np
import onnxruntime
import torch

from synboost_kedro.export import check_sizes, dissimilarity_spec, export_to_onnx
from synboost_kedro.export.interfaces import PositionalDissimilarity
from synboost_kedro.export.runtime import onnx_session
from synboost_kedro.models.dissimilarity import DissimilarityConfig, DissimilarityNet
from timing import median_time


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="32×64 inputs, one repetition")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    height, width = (32, 64) if args.quick else (256, 512)
    repeats = 1 if args.quick else args.repeats
    model = DissimilarityNet(DissimilarityConfig.preset("ours")).eval()
    spec = dissimilarity_spec(model)
    session = onnx_session(
        export_to_onnx(spec, check_sizes(height, width)[0]), threads=args.threads
    )
    sizes = {"batch": 1, "height": height, "width": width}
    inputs = spec.sample_inputs(sizes, torch.Generator().manual_seed(1))
    feed = {tensor.name: value.numpy() for tensor, value in zip(spec.inputs, inputs, strict=True)}
    channels_last = PositionalDissimilarity(copy.deepcopy(model).optimize_for_cpu()).eval()

    candidates: dict[str, Callable[[], np.ndarray]] = {
        "torch eager NCHW (baseline)": lambda: spec.module(*inputs).numpy(),
        "torch channels_last (optimize_for_cpu)": lambda: channels_last(*inputs).numpy(),
        "ONNX Runtime CPU (ORT_ENABLE_ALL)": lambda: session.run(None, feed)[0],
    }
    print(
        f"dissimilarity 'ours', batch 1, {height}×{width}, {args.threads} threads, "
        f"median of {repeats}; torch {torch.__version__}, onnxruntime {onnxruntime.__version__}",
        flush=True,
    )
    rows = []
    with torch.inference_mode():
        baseline = candidates["torch eager NCHW (baseline)"]()
        for name, forward in candidates.items():
            seconds = median_time(forward, repeats)
            difference = float(np.abs(forward() - baseline).max())
            rows.append((name, seconds, difference))
            print(f"  measured {name}: {seconds:.3f} s", flush=True)
    baseline_seconds = rows[0][1]
    print()
    print(f"| {'forward':<40} | {'time (s)':>8} | {'speed-up':>8} | {'max |diff|':>10} |")
    print(f"|{'-' * 42}|{'-' * 10}|{'-' * 10}|{'-' * 12}|")
    for name, seconds, difference in rows:
        print(
            f"| {name:<40} | {seconds:>8.3f} | {baseline_seconds / seconds:>7.2f}× "
            f"| {difference:>10.2e} |"
        )


if __name__ == "__main__":
    main()
