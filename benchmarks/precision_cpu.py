"""fp32 against bf16 on this CPU: the dissimilarity forward and training step, as the demo runs
them and at the paper's size.

Two networks: the demo's ("ours" at an eighth of the width with the prior path, 128×256, as
``conf/base`` trains and evaluates it) and the paper's (full width, 256×512). For each, the
forward (batch 1, as evaluation and inference run it: channels-last, probabilities out) and a
training step (batch 4, NCHW, Adam, class-weighted loss in float32) run in fp32 and in bf16.
The two precisions alternate for ``--rounds`` rounds on the same inputs and the best round of
each is kept, so background load hits both alike. A CPU without native bfloat16 (AVX512-BF16 or
AMX) emulates it, and bf16 is then usually slower than fp32.

Usage: ``python benchmarks/precision_cpu.py [--rounds 3] [--threads 2] [--paper]``
"""

from __future__ import annotations

import argparse
import copy
from collections.abc import Callable

import torch
from torch import nn

from gpu_workloads import CLASS_WEIGHTS
from synboost_kedro.frames import IGNORE
from synboost_kedro.models.dissimilarity import DissimilarityConfig, DissimilarityNet
from synboost_kedro.models.dissimilarity import random_inputs as network_inputs
from synboost_kedro.scoring import dissimilarity_probabilities
from synboost_kedro.training.dissimilarity_step import TrainingStep
from synboost_kedro.utils.precision import Precision
from timing import median_time

PAIR = ("fp32", "bf16")
NETWORKS = {
    "demo (ours / 8, prior path) 128x256": ({"channel_divisor": 8, "prior_skip": True}, 128, 256),
    "paper (ours, full width) 256x512": ({}, 256, 512),
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--paper", action="store_true", help="also the full-width network")
    return parser.parse_args()


def network(options: dict) -> DissimilarityNet:
    torch.manual_seed(0)
    preset = DissimilarityConfig.preset("ours").to_dict()
    return DissimilarityNet(DissimilarityConfig.from_dict({**preset, **options}))


def forward(model: DissimilarityNet, height: int, width: int, precision: Precision) -> Callable:
    """Probabilities of one frame, as evaluation and inference compute them (channels-last)."""
    model.eval().optimize_for_cpu()
    inputs = network_inputs(batch=1, height=height, width=width)
    samples = [{name: tensor[0] for name, tensor in inputs.items()}]
    return lambda: dissimilarity_probabilities(model, samples, torch.device("cpu"), precision)


def training_step(
    model: DissimilarityNet, height: int, width: int, precision: Precision
) -> Callable:
    """One step at batch 4, as dissimilarity training takes it on a CPU (NCHW)."""
    model.train()
    criterion = nn.CrossEntropyLoss(weight=torch.tensor(CLASS_WEIGHTS), ignore_index=IGNORE)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4, betas=(0.5, 0.999))
    step = TrainingStep(model, criterion, optimizer, precision, precision.grad_scaler())
    batch = network_inputs(batch=4, height=height, width=width, seed=4)
    generator = torch.Generator().manual_seed(4)
    batch["label"] = torch.randint(0, 2, (4, height, width), generator=generator)
    return lambda: step(batch)


def runs(work: str, base: DissimilarityNet, height: int, width: int) -> dict[str, Callable]:
    """``work`` in fp32 and in bf16, each on its own copy of ``base``."""
    make = forward if work == "forward b1" else training_step
    return {name: make(copy.deepcopy(base), height, width, Precision(name)) for name in PAIR}


def best_times(calls: dict[str, Callable], rounds: int) -> dict[str, float]:
    """The best time of each call over ``rounds`` alternating rounds (one warm-up first)."""
    best = dict.fromkeys(calls, float("inf"))
    for round_ in range(rounds):
        for name, call in calls.items():
            best[name] = min(best[name], median_time(call, repeats=1, warm_up=round_ == 0))
    return best


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    names = list(NETWORKS) if args.paper else list(NETWORKS)[:1]
    print(f"threads {args.threads}, best of {args.rounds} alternating rounds")
    print(f"{'network':38} {'work':18} {'fp32 s':>8} {'bf16 s':>8} {'bf16 / fp32':>11}")
    for name in names:
        options, height, width = NETWORKS[name]
        base = network(options)
        for work in ("forward b1", "training step b4"):
            best = best_times(runs(work, base, height, width), args.rounds)
            ratio = best["bf16"] / best["fp32"]
            print(f"{name:38} {work:18} {best['fp32']:8.3f} {best['bf16']:8.3f} {ratio:11.2f}")


if __name__ == "__main__":
    main()
