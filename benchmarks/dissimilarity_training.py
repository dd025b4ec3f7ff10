"""Cost of one dissimilarity-training step on this CPU, and how many demo epochs fit in 5 minutes.

Times one optimisation step (forward, weighted cross-entropy, backward, Adam) of the unchanged
"ours" network at batch 4 and one validation forward pass at batch 4, for several input sizes and
memory layouts, as ratios against the demo setting (128x256, contiguous) measured in the same
run. The epoch estimate is that of the demo data: 48 training frames (12 steps) and 16 validation
frames (4 batches).

Wall time depends on what else runs on the machine; CPU time (all threads) does not, so both are
shown together with the load average.

Usage: ``python benchmarks/dissimilarity_training.py [--threads 2] [--repeats 2]``
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import torch

from synboost_kedro.training.dissimilarity import DissimilarityTrainingConfig, build_model

TRAIN_FRAMES, VAL_FRAMES, BATCH = 48, 16, 4
BUDGET_SECONDS = 300.0
#: (label, height, width, channels_last); the first row is the baseline.
SETTINGS = (
    ("128x256 (demo)", 128, 256, False),
    ("128x256 channels_last", 128, 256, True),
    ("64x128", 64, 128, False),
)


def _timed(step: Callable[[], None], repeats: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``step`` after one warm-up call."""
    step()
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        step()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return sorted(walls)[len(walls) // 2], sorted(cpus)[len(cpus) // 2]


def measure(height: int, width: int, channels_last: bool, repeats: int) -> dict[str, float]:
    torch.manual_seed(0)
    config = DissimilarityTrainingConfig(height=height, width=width, device="cpu")
    model = build_model(config)
    if channels_last:
        model.optimize_for_cpu()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4, betas=(0.5, 0.999))
    criterion = torch.nn.CrossEntropyLoss(weight=torch.tensor([1.5, 15.0]), ignore_index=255)
    image, synthesis = torch.randn(2, BATCH, 3, height, width)
    semantic = torch.nn.functional.one_hot(torch.randint(0, 19, (BATCH, height, width)), 19)
    semantic = semantic.permute(0, 3, 1, 2).float()
    priors = {name: torch.rand(BATCH, 1, height, width) for name in ("entropy", "mae", "distance")}
    labels = torch.randint(0, 2, (BATCH, height, width))

    def train_step() -> None:
        model.train()
        loss = criterion(model(image, synthesis, semantic, **priors), labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    @torch.no_grad()
    def eval_step() -> None:
        model.eval()
        model(image, synthesis, semantic, **priors)

    train_wall, train_cpu = _timed(train_step, repeats)
    eval_wall, eval_cpu = _timed(eval_step, repeats)
    epoch = TRAIN_FRAMES // BATCH * train_wall + VAL_FRAMES // BATCH * eval_wall
    return {
        "train_wall": train_wall,
        "train_cpu": train_cpu,
        "eval_wall": eval_wall,
        "eval_cpu": eval_cpu,
        "epoch_wall": epoch,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch threads: {args.threads}; load average before: {os.getloadavg()}")
    rows = [(label, measure(h, w, cl, args.repeats)) for label, h, w, cl in SETTINGS]
    baseline = rows[0][1]
    print(
        f"{'setting':<24}{'train step s':>13}{'(cpu s)':>9}{'eval b4 s':>11}{'(cpu s)':>9}"
        f"{'epoch s':>9}{'vs demo':>9}{'epochs in 5 min':>17}"
    )
    for label, row in rows:
        print(
            f"{label:<24}{row['train_wall']:>13.1f}{row['train_cpu']:>9.1f}"
            f"{row['eval_wall']:>11.1f}{row['eval_cpu']:>9.1f}{row['epoch_wall']:>9.0f}"
            f"{row['epoch_wall'] / baseline['epoch_wall']:>9.2f}"
            f"{int(BUDGET_SECONDS // row['epoch_wall']):>17d}"
        )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
