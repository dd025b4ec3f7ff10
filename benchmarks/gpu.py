"""One unattended benchmark of mixed precision and torch.compile at the paper's resolutions.

For fp32, bf16, fp16 and bf16 + ``torch.compile`` (fp16 where the GPU has no bf16) it times:

* a dissimilarity training step at batch 4, and at the largest batch that fits (CUDA only);
  on CUDA also bf16 at batch 4 without channels-last, which shows whether that layout pays;
* map generation per frame, split into segmentation at 1024×2048 (WRN38 DeepLabV3+ and the
  float32 softmax maps), synthesis at 256×512 (CC-FPSE) and the VGG19 perceptual difference;
* end-to-end inference (``AnomalyDetector.predict``) in images/s;
* a dissimilarity forward at 256×512 (the "ours" network, full width).

Each row gives the median time of a call, the throughput, the FLOP rate as a share of this
device's measured matrix-multiply peak in that precision (fp32 convolutions may use TF32 on a
GPU, so its peak is measured with TF32 as cuDNN has it), the peak GPU memory, and the largest
difference from the fp32 row of the same work (probabilities, maps, images, or the first
step's loss). Compiled rows also give the compilation time (first call less the median).
Weights are random. FLOPs are counted with ``torch.utils.flop_counter`` during the fp32 call.

It stops starting rows after ``--budget-s`` seconds (default 420, so one GPU finishes in under
8 minutes) and records a failed row (out of memory, no compiler) instead of stopping. Without
CUDA, ``--quick`` runs the same table on the CPU at small sizes (fp32 and bf16, not compiled
unless ``--compile``). The table is printed and written as Markdown and JSON.

Usage: ``python benchmarks/gpu.py`` on a GPU; ``python benchmarks/gpu.py --quick`` anywhere.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from functools import partial
from pathlib import Path

import torch
from torch.utils.flop_counter import FlopCounterMode

from gpu_workloads import (
    PAPER,
    QUICK,
    DissimilarityForward,
    EndToEnd,
    MapNetworks,
    Run,
    Sizes,
    TrainingSteps,
)
from synboost_kedro.utils import atomic_write_bytes
from synboost_kedro.utils.precision import Precision

DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}
LARGEST_BATCH = 256


@dataclass
class Row:
    """One measured (or failed, or skipped) configuration."""

    work: str
    variant: str
    items: int
    seconds: float | None = None
    items_per_second: float | None = None
    tflops: float | None = None
    percent_of_peak: float | None = None
    peak_memory_mib: float | None = None
    max_difference: float | None = None
    compile_seconds: float | None = None
    note: str = ""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CPU, small sizes, one repeat")
    parser.add_argument(
        "--precisions",
        help="comma-separated, e.g. fp32,bf16 (default: all on CUDA, fp32,bf16 on the CPU)",
    )
    parser.add_argument(
        "--compile",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="add the compiled rows (default: on CUDA only)",
    )
    parser.add_argument(
        "--size",
        type=int,
        nargs=2,
        metavar=("H", "W"),
        help="segmentation and dissimilarity size (the tests' tiny run)",
    )
    parser.add_argument("--budget-s", type=float, default=420.0)
    parser.add_argument("--threads", type=int, default=2, help="CPU threads (--quick)")
    parser.add_argument("--output-dir", type=Path, default=Path("data/08_reporting"))
    return parser.parse_args()


def synchronise(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def matmul_peak(device: torch.device, precision: str, size: int) -> float:
    """TFLOP/s of a ``size``² matrix product in ``precision`` (best of five)."""
    a, b = (torch.randn(size, size, device=device, dtype=DTYPES[precision]) for _ in range(2))
    best = float("inf")
    for _ in range(6):
        synchronise(device)
        start = time.perf_counter()
        a @ b
        synchronise(device)
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best / 1e12


class Benchmark:
    """Measures rows against the fp32 row of the same work, within a time budget."""

    def __init__(self, device: torch.device, sizes: Sizes, budget_s: float) -> None:
        self.device = device
        self.sizes = sizes
        self.deadline = time.monotonic() + budget_s
        self.rows: list[Row] = []
        self.flops: dict[str, float] = {}
        self.references: dict[str, torch.Tensor] = {}
        self.peaks: dict[str, float] = {}

    def peak(self, precision: str) -> float:
        if precision not in self.peaks:
            size = 8192 if self.device.type == "cuda" else 1024
            self.peaks[precision] = matmul_peak(self.device, precision, size)
        return self.peaks[precision]

    def add(self, work: str, variant: str, items: int, make_run: Callable[[], Run]) -> Row:
        """Time ``make_run()``'s function; variant is ``<precision>[ + compile]``."""
        row = Row(work, variant, items)
        self.rows.append(row)
        if time.monotonic() > self.deadline:
            row.note = "skipped: time budget spent"
            return row
        try:
            self._measure(row, make_run())
        except Exception as error:  # noqa: BLE001 - unattended: record the failure, go on
            row.note = f"failed: {type(error).__name__}: {str(error).splitlines()[0][:120]}"
            release(self.device)
        print(format_row(row), flush=True)
        return row

    def _measure(self, row: Row, run: Run) -> None:
        key = f"{row.work}|{row.items}"
        if self.device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(self.device)
        counter = FlopCounterMode(display=False) if key not in self.flops else None
        synchronise(self.device)
        start = time.perf_counter()
        if counter is None:
            output = run()
        else:
            with counter:
                output = run()
            self.flops[key] = counter.get_total_flops()
        synchronise(self.device)
        first = time.perf_counter() - start
        times = []
        for _ in range(self.sizes.repeats):
            start = time.perf_counter()
            run()
            synchronise(self.device)
            times.append(time.perf_counter() - start)
        row.seconds = statistics.median(times)
        row.items_per_second = row.items / row.seconds
        row.tflops = self.flops[key] / row.seconds / 1e12
        row.percent_of_peak = 100 * row.tflops / self.peak(row.variant.split()[0])
        if self.device.type == "cuda":
            row.peak_memory_mib = torch.cuda.max_memory_allocated(self.device) / 2**20
        if "compile" in row.variant:
            row.compile_seconds = first - row.seconds
        output = output.detach().float().cpu()
        if row.variant == "fp32":
            self.references[key] = output
        if key in self.references:
            row.max_difference = (output - self.references[key]).abs().max().item()


def largest_batch(steps: TrainingSteps, precision: Precision) -> int:
    """The largest power-of-two training batch (from 4, eager) whose step fits in GPU memory;
    a compiled step is then measured at its precision's batch."""
    batch = 4
    while batch * 2 <= LARGEST_BATCH:
        try:
            steps.runner(precision, compiled=False, batch_size=batch * 2)()
        except torch.cuda.OutOfMemoryError:
            break
        finally:
            torch.cuda.empty_cache()
        batch *= 2
    return batch


def run_all(bench: Benchmark, precisions: list[str], compiled: str | None) -> None:
    """Every row; each group's networks are released before the next group builds its own, so
    a row's peak memory is what its own work holds."""
    device, sizes = bench.device, bench.sizes
    variants = [(name, False) for name in precisions] + ([(compiled, True)] if compiled else [])
    size = "x".join(map(str, sizes.dissimilarity))
    synthesis = "x".join(map(str, sizes.synthesis))
    frame = "x".join(map(str, sizes.segmentation))

    forward, steps = DissimilarityForward(device, sizes), TrainingSteps(device, sizes)
    for name, is_compiled in variants:
        precision, variant = Precision(name, device.type), label(name, is_compiled)
        bench.add(
            f"dissimilarity forward {size}",
            variant,
            1,
            partial(forward.runner, precision, is_compiled),
        )
        bench.add(
            f"training step {size}",
            variant,
            sizes.batch,
            partial(steps.runner, precision, is_compiled, sizes.batch),
        )
    if device.type == "cuda" and "bf16" in precisions:
        nchw = TrainingSteps(device, sizes, channels_last=False)
        bench.add(
            f"training step {size}",
            "bf16 NCHW",
            sizes.batch,
            partial(nchw.runner, Precision("bf16", "cuda"), False, sizes.batch),
        )
        del nchw
    del forward, steps
    release(device)

    maps = MapNetworks(device, sizes)
    for name in precisions:
        precision = Precision(name, device.type)
        bench.add(f"segmentation {frame}", name, 1, partial(maps.segmentation, precision))
        bench.add(f"synthesis {synthesis}", name, 1, partial(maps.synthesis, precision))
        bench.add(f"perceptual difference {size}", name, 1, partial(maps.perceptual, precision))
    end_to_end = EndToEnd(device, sizes, maps)
    for name, is_compiled in variants:
        bench.add(
            f"end-to-end inference {frame}",
            label(name, is_compiled),
            sizes.images,
            partial(end_to_end.runner, Precision(name, device.type), is_compiled),
        )
    del maps, end_to_end
    release(device)

    if device.type == "cuda":
        steps = TrainingSteps(device, sizes)
        for name, is_compiled in variants:
            precision = Precision(name, device.type)
            batch = largest_batch(steps, precision)
            bench.add(
                f"training step {size}, largest batch",
                label(name, is_compiled),
                batch,
                partial(steps.runner, precision, is_compiled, batch),
            )


def label(precision: str, compiled: bool) -> str:
    return f"{precision} + compile" if compiled else precision


def release(device: torch.device) -> None:
    """Hand the memory of released networks back, so the next rows' peaks are their own."""
    if device.type == "cuda":
        torch.cuda.empty_cache()


def format_row(row: Row) -> str:
    def number(value: float | None, spec: str) -> str:
        return "–" if value is None else format(value, spec)

    return (
        f"| {row.work} | {row.variant} | {row.items} | {number(row.seconds, '.4f')} | "
        f"{number(row.items_per_second, '.2f')} | {number(row.tflops, '.2f')} | "
        f"{number(row.percent_of_peak, '.1f')} | {number(row.peak_memory_mib, '.0f')} | "
        f"{number(row.max_difference, '.2e')} | {number(row.compile_seconds, '.1f')} | "
        f"{row.note} |"
    )


HEADER = (
    "| work | precision | batch / images | time s | items/s | TFLOP/s | % of matmul peak | "
    "peak GPU MiB | max diff to fp32 | compile s | note |\n"
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
)


def environment(device: torch.device) -> dict[str, object]:
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor()
    return {
        "device": name or platform.machine(),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "threads": torch.get_num_threads(),
        "cudnn_allow_tf32": torch.backends.cudnn.allow_tf32,
    }


def main() -> None:
    args = parse_args()
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    if not args.quick and not torch.cuda.is_available():
        raise SystemExit("No CUDA device: run `python benchmarks/gpu.py --quick` for the CPU table")
    device = torch.device("cpu" if args.quick else "cuda")
    if args.quick:
        torch.set_num_threads(args.threads)
    # Float32 convolutions run in TF32 where cuDNN allows it; measure the fp32 peak alike.
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32
    default = "fp32,bf16,fp16" if device.type == "cuda" else "fp32,bf16"
    precisions = (args.precisions or default).split(",")
    with_compile = device.type == "cuda" if args.compile is None else args.compile
    mixed = "bf16" if Precision.on("auto", device, "precision").name == "bf16" else "fp16"
    compiled = (mixed if device.type == "cuda" else "bf16") if with_compile else None
    sizes = QUICK if args.quick else PAPER
    if args.size:
        sizes = replace(sizes, segmentation=tuple(args.size), dissimilarity=tuple(args.size))
    bench = Benchmark(device, sizes, args.budget_s)
    started = time.monotonic()
    print(HEADER, flush=True)
    run_all(bench, precisions, compiled)
    table = "\n".join([HEADER, *(format_row(row) for row in bench.rows)])
    report = {
        "environment": environment(device),
        "sizes": asdict(bench.sizes),
        "matmul_peak_tflops": bench.peaks,
        "seconds": time.monotonic() - started,
        "rows": [asdict(row) for row in bench.rows],
    }
    args.output_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(args.output_dir / "gpu_benchmark.md", (table + "\n").encode())
    atomic_write_bytes(
        args.output_dir / "gpu_benchmark.json", (json.dumps(report, indent=2) + "\n").encode()
    )
    print(f"\n{report['environment']}, matmul peaks (TFLOP/s) {bench.peaks}")
    print(f"{report['seconds']:.0f} s; written to {args.output_dir}/gpu_benchmark.md and .json")


if __name__ == "__main__":
    main()
