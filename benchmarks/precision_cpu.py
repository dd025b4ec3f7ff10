"""fp32 against bf16 and torch.compile on this CPU: the dissimilarity forward and training step,
as the demo runs them and at the paper's size.

Two networks: the demo's ("ours" at an eighth of the width with the prior path, 128×256, as
``conf/base`` trains and evaluates it) and the paper's (full width, 256×512). For each, the
forward (batch 1, as evaluation and inference run it: channels-last, probabilities out) and a
training step (batch 4, NCHW, Adam, class-weighted loss in float32) run in fp32 and in bf16.
With ``--compile`` an fp32 run through ``torch.compile`` joins them, and its compilation time
(first call less the best) is printed. The variants alternate for ``--rounds`` rounds on the
same inputs and the best round of each is kept, so background load hits all alike. A CPU without
native bfloat16 (AVX512-BF16 or AMX) emulates it, and bf16 is then usually slower than fp32.

Usage: ``python benchmarks/precision_cpu.py [--rounds 3] [--threads 2] [--paper] [--compile]``
"""

from __future__ import annotations

import argparse
import copy
from collections.abc import Callable

import torch
import torch._inductor.config as inductor_config
from torch import nn

from gpu_workloads import CLASS_WEIGHTS
from synboost_kedro.frames import IGNORE
from synboost_kedro.models.dissimilarity import DissimilarityConfig, DissimilarityNet
from synboost_kedro.models.dissimilarity import random_inputs as network_inputs
from synboost_kedro.scoring import dissimilarity_probabilities
from synboost_kedro.training.dissimilarity_step import TrainingStep, compiled_for_training
from synboost_kedro.utils.compilation import CompiledNetwork
from synboost_kedro.utils.precision import Precision
from timing import median_time

COMPILED = "fp32 + compile"
NETWORKS = {
    "demo (ours / 8, prior path) 128x256": ({"channel_divisor": 8, "prior_skip": True}, 128, 256),
    "paper (ours, full width) 256x512": ({}, 256, 512),
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--paper", action="store_true", help="also the full-width network")
    parser.add_argument("--compile", action="store_true", help="add fp32 + torch.compile")
    return parser.parse_args()


def network(options: dict) -> DissimilarityNet:
    torch.manual_seed(0)
    preset = DissimilarityConfig.preset("ours").to_dict()
    return DissimilarityNet(DissimilarityConfig.from_dict({**preset, **options}))


def forward(model: DissimilarityNet, height: int, width: int, variant: str) -> Callable:
    """Probabilities of one frame, as evaluation and inference compute them (channels-last)."""
    model.eval().optimize_for_cpu()
    network = CompiledNetwork(model, "--compile") if variant == COMPILED else model
    inputs = network_inputs(batch=1, height=height, width=width)
    samples = [{name: tensor[0] for name, tensor in inputs.items()}]
    precision = Precision(variant.split(maxsplit=1)[0])
    return lambda: dissimilarity_probabilities(network, samples, torch.device("cpu"), precision)


def training_step(model: DissimilarityNet, height: int, width: int, variant: str) -> Callable:
    """One step at batch 4, as dissimilarity training takes it on a CPU (NCHW)."""
    model.train()
    criterion = nn.CrossEntropyLoss(weight=torch.tensor(CLASS_WEIGHTS), ignore_index=IGNORE)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4, betas=(0.5, 0.999))
    precision = Precision(variant.split(maxsplit=1)[0])
    trained = compiled_for_training(model, variant == COMPILED)
    step = TrainingStep(trained, criterion, optimizer, precision, precision.grad_scaler())
    batch = network_inputs(batch=4, height=height, width=width, seed=4)
    generator = torch.Generator().manual_seed(4)
    batch["label"] = torch.randint(0, 2, (4, height, width), generator=generator)
    return lambda: step(batch)


def runs(
    work: str, base: DissimilarityNet, height: int, width: int, variants: list[str]
) -> dict[str, Callable]:
    """``work`` in each variant, each on its own copy of ``base``."""
    make = forward if work == "forward b1" else training_step
    return {variant: make(copy.deepcopy(base), height, width, variant) for variant in variants}


def best_times(calls: dict[str, Callable], rounds: int) -> tuple[dict[str, float], dict]:
    """The best time of each call over ``rounds`` alternating rounds, and its first call's."""
    first = {name: median_time(call, repeats=1, warm_up=False) for name, call in calls.items()}
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(rounds):
        for name, call in calls.items():
            best[name] = min(best[name], median_time(call, repeats=1, warm_up=False))
    return best, first


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    names = list(NETWORKS) if args.paper else list(NETWORKS)[:1]
    variants = ["fp32", "bf16", *([COMPILED] if args.compile else [])]
    if args.compile:
        # Cold compilation, as the first run on a machine pays it (later runs reuse a disk cache).
        inductor_config.force_disable_caches = True
    print(f"threads {args.threads}, best of {args.rounds} alternating rounds after a first call")
    print(f"{'network':38} {'work':18} " + " ".join(f"{name + ' s':>17}" for name in variants))
    for name in names:
        options, height, width = NETWORKS[name]
        base = network(options)
        for work in ("forward b1", "training step b4"):
            best, first = best_times(runs(work, base, height, width, variants), args.rounds)
            times = " ".join(f"{best[variant]:17.3f}" for variant in variants)
            print(f"{name:38} {work:18} {times}   bf16 / fp32 {best['bf16'] / best['fp32']:.2f}")
            if args.compile:
                compiling = first[COMPILED] - best[COMPILED]
                print(
                    f"{'':57} compiled / fp32 {best[COMPILED] / best['fp32']:.2f}, "
                    f"compilation {compiling:.1f} s"
                )


if __name__ == "__main__":
    main()
