"""Seconds per 1024×2048 frame of the original SynBoost recipe on this CPU, stage by stage.

Stages (docs/method.md, "Per-image inference"): segmentation (WRN38 DeepLabV3+ on the 1024×2048
frame), synthesis (CC-FPSE VAE
encoder + generator at 256×512), perceptual difference (VGG19 pair at 256×512) and dissimilarity
(the "ours" network at 256×512). Weights are random: the speed does not depend on their values.

Each stage is timed twice in the same run: the baseline is a plain eager float32 pass (NCHW,
``torch.no_grad``); the optimised pass uses ``torch.inference_mode`` and the model's
``optimize_for_cpu()`` where it has one (BN folding and channels_last for the segmentation net,
channels_last for the generator and the dissimilarity net). The table gives both times, their
ratio, the largest output difference relative to the baseline's largest magnitude, the conv and
matmul GFLOP (``torch.utils.flop_counter`` on meta tensors; CC-FPSE's per-pixel conditional
convolutions and elementwise work are not counted) and GFLOP/s against the float32 matmul rate
measured before and after the stages.

``--segmentation-size`` runs segmentation at a smaller size on a busy machine; its time is then
scaled by the pixel ratio (conv cost is linear in pixels) and marked as scaled.

Usage: ``python benchmarks/original_release.py [--segmentation-size 512 1024] [--threads 2]``
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from synboost_kedro.models.dissimilarity import PRESETS, DissimilarityNet
from synboost_kedro.models.perceptual import PerceptualDifference
from synboost_kedro.models.segmentation.deeplabv3plus import WRN38DeepLabV3Plus
from synboost_kedro.models.synthesis.ccfpse import CondConvGenerator, ConvEncoder, build_semantics

FRAME_SIZE = (1024, 2048)
SYNTHESIS_SIZE = (256, 512)
MATMUL_SIZE = 2048


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segmentation-size", type=int, nargs=2, default=list(FRAME_SIZE))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=1, help="timed passes per run (median)")
    return parser.parse_args()


def matmul_rate() -> float:
    """GFLOP/s of a float32 ``MATMUL_SIZE``² matrix product (best of three)."""
    a, b = torch.randn(MATMUL_SIZE, MATMUL_SIZE), torch.randn(MATMUL_SIZE, MATMUL_SIZE)
    a @ b
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * MATMUL_SIZE**3 / best / 1e9


def median_seconds(run: Callable[[], torch.Tensor], repeats: int) -> tuple[float, torch.Tensor]:
    """Median time of ``repeats`` passes after one warm-up, unless one pass exceeds 20 s."""
    start = time.perf_counter()
    output = run()
    first = time.perf_counter() - start
    if first > 20:
        return first, output
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        output = run()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2], output


@dataclass
class Stage:
    """One stage: how to build its network, its inputs, and how to call it."""

    name: str
    build: Callable[[], nn.Module]
    inputs: Callable[[torch.device | str], tuple[torch.Tensor, ...]]
    call: Callable[[nn.Module, tuple[torch.Tensor, ...]], torch.Tensor]
    scale: float = 1.0


class Synthesis(nn.Module):
    """Encoder + generator, as SynBoost runs them (deterministic style code: the mean)."""

    def __init__(self) -> None:
        super().__init__()
        self.encoder = ConvEncoder()
        self.generator = CondConvGenerator()

    def optimize_for_cpu(self) -> Synthesis:
        self.generator.optimize_for_cpu()
        return self

    def forward(self, semantics: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
        mu, _ = self.encoder(image)
        return self.generator(semantics, mu)


def make_stages(segmentation_size: tuple[int, int]) -> list[Stage]:
    height, width = SYNTHESIS_SIZE

    def rgb(size: tuple[int, int]) -> Callable[[torch.device | str], tuple[torch.Tensor, ...]]:
        return lambda device: (torch.randn(1, 3, *size, device=device),)

    def synthesis_inputs(device: torch.device | str) -> tuple[torch.Tensor, ...]:
        label_ids = torch.randint(0, 34, (1, height, width))
        return build_semantics(label_ids, None).to(device), torch.randn(
            1, 3, height, width, device=device
        )

    def dissimilarity_inputs(device: torch.device | str) -> tuple[torch.Tensor, ...]:
        images = [torch.randn(1, 3, height, width, device=device) for _ in range(2)]
        semantic = torch.zeros(1, 19, height, width, device=device)
        priors = [torch.rand(1, 1, height, width, device=device) for _ in range(3)]
        return (*images, semantic, *priors)

    def call_dissimilarity(model: nn.Module, inputs: tuple[torch.Tensor, ...]) -> torch.Tensor:
        image, synthesis, semantic, entropy, mae, distance = inputs
        return model(image, synthesis, semantic, entropy=entropy, mae=mae, distance=distance)

    frame_pixels = FRAME_SIZE[0] * FRAME_SIZE[1]
    return [
        Stage(
            f"segmentation {segmentation_size[0]}x{segmentation_size[1]}",
            lambda: WRN38DeepLabV3Plus().eval(),
            rgb(segmentation_size),
            lambda model, inputs: model(*inputs),
            scale=frame_pixels / (segmentation_size[0] * segmentation_size[1]),
        ),
        Stage(
            "synthesis 256x512 (E + G)",
            lambda: Synthesis().eval(),
            synthesis_inputs,
            lambda model, inputs: model(*inputs),
        ),
        Stage(
            "perceptual 256x512",
            PerceptualDifference,
            lambda device: (*rgb(SYNTHESIS_SIZE)(device), *rgb(SYNTHESIS_SIZE)(device)),
            lambda model, inputs: model(*inputs),
        ),
        Stage(
            "dissimilarity 256x512",
            lambda: DissimilarityNet(PRESETS["ours"]).eval(),
            dissimilarity_inputs,
            call_dissimilarity,
        ),
    ]


def count_flops(stage: Stage) -> float:
    """Conv and matmul FLOPs of one pass, counted on meta tensors (nothing is computed)."""
    with torch.device("meta"):
        model = stage.build()
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        stage.call(model, stage.inputs("meta"))
    return counter.get_total_flops()


def measure(stage: Stage, repeats: int) -> tuple[float, float, float]:
    """``(baseline s, optimised s, max relative output difference)`` for one stage."""
    torch.manual_seed(0)
    model = stage.build()
    inputs = stage.inputs("cpu")
    with torch.no_grad():
        baseline, reference = median_seconds(lambda: stage.call(model, inputs), repeats)
    if hasattr(model, "optimize_for_cpu"):
        model = model.optimize_for_cpu()
    with torch.inference_mode():
        optimised, output = median_seconds(lambda: stage.call(model, inputs), repeats)
    difference = (output - reference).abs().max() / reference.abs().max().clamp_min(1e-12)
    return baseline, optimised, float(difference)


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    stages = make_stages(tuple(args.segmentation_size))
    rate_before = matmul_rate()
    print(f"float32 matmul {MATMUL_SIZE}^2, {args.threads} threads: {rate_before:.1f} GFLOP/s")
    rows = []
    for stage in stages:
        flops = count_flops(stage)
        baseline, optimised, difference = measure(stage, args.repeats)
        rows.append((stage, flops, baseline, optimised, difference))
        print(f"  done: {stage.name} ({baseline:.1f} s / {optimised:.1f} s)", flush=True)
    rate_after = matmul_rate()
    ceiling = max(rate_before, rate_after)
    print(f"float32 matmul after the stages: {rate_after:.1f} GFLOP/s\n")

    header = (
        f"{'stage':30s} {'GFLOP':>8s} {'eager s':>9s} {'optimised s':>12s} {'speed-up':>9s} "
        f"{'GFLOP/s':>8s} {'% matmul':>9s} {'max rel diff':>13s} {'s per frame':>12s}"
    )
    print(header)
    print("-" * len(header))
    total_baseline = total_optimised = 0.0
    for stage, flops, baseline, optimised, difference in rows:
        rate = flops / 1e9 / optimised
        per_frame = optimised * stage.scale
        total_baseline += baseline * stage.scale
        total_optimised += per_frame
        scaled = f" (x{stage.scale:g})" if stage.scale != 1 else ""
        print(
            f"{stage.name:30s} {flops / 1e9:8.0f} {baseline:9.2f} {optimised:12.2f} "
            f"{baseline / optimised:8.2f}x {rate:8.1f} {100 * rate / ceiling:8.0f}% "
            f"{difference:13.1e} {per_frame:8.1f}{scaled}"
        )
    print("-" * len(header))
    print(
        f"{'whole recipe per 1024x2048 frame':30s} {'':8s} {total_baseline:9.1f} "
        f"{total_optimised:12.1f} {total_baseline / total_optimised:8.2f}x"
    )


if __name__ == "__main__":
    main()
