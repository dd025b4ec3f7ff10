"""Measurement: how the storage precision of the logit baselines changes their metrics.

The logit baselines (1 − max softmax, −max logit, energy, standardized max logit) are unbounded
and must not be normalised per image, so SynBoost's 8-bit PNG does not fit them. For every
benchmark of a default run (frames in ``data/03_primary``, the segmentation network and its
max-logit statistics in ``data/06_models``), the baselines are computed once in float32 as the
maps pass computes them, then stored four ways:

* ``float32``: nothing rounded, the reference;
* ``float16``: what ``uncertainty_maps`` stores (``.npy``);
* ``uint8 set range``: 8 bits over the set's range, one scale for every image;
* ``uint8 per image``: 8 bits over each image's own range, as SynBoost stores entropy.

Each is resized bilinearly to the label's size and measured exactly, once as it is and once
after the evaluation pipeline's float16 score maps (``+ float16 scores``). The table gives AP and
FPR@95%TPR in percent, and each one's largest difference to the reference over the sets.

    .venv/bin/python benchmarks/baseline_precision.py
    .venv/bin/python benchmarks/baseline_precision.py --sets fs_lost_and_found --size 128x256
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import default_collate

from synboost_kedro.frames import LOGIT_BASELINES
from synboost_kedro.metrics import PixelMetricAccumulator
from synboost_kedro.models.dissimilarity.inputs import imagenet_normalise
from synboost_kedro.models.model_file import read_model_file
from synboost_kedro.scoring import resize_scores
from synboost_kedro.storage.processed_set import ProcessedSet
from synboost_kedro.uncertainty import MapConfig, SynthesisLabels
from synboost_kedro.uncertainty.frame_inputs import FrameInputs
from synboost_kedro.uncertainty.logit_baselines import MaxLogitStatistics, logit_baselines
from synboost_kedro.uncertainty.quantise import uint8_to_unit

Scores = torch.Tensor
STORAGE: dict[str, Callable[[Scores, tuple[float, float]], Scores]] = {
    "float32": lambda scores, _: scores,
    "float16": lambda scores, _: scores.half().float(),
    "uint8 set range": lambda scores, span: _eight_bits(scores, *span),
    "uint8 per image": lambda scores, _: _eight_bits(scores, scores.min(), scores.max()),
}


def _eight_bits(scores: Scores, low: float, high: float) -> Scores:
    """``scores`` scaled to ``[0, 1]`` over ``[low, high]`` and truncated to 8 bits."""
    unit = (scores - low) / max(float(high - low), 1e-12)
    return uint8_to_unit(torch.floor(unit.clamp(0, 1) * 255).to(torch.uint8))


def set_baselines(
    data: Path, name: str, size: tuple[int, int], statistics: MaxLogitStatistics
) -> Iterator[tuple[dict[str, Scores], np.ndarray]]:
    """``(baseline scores at the segmentation size, labels)`` of every frame of set ``name``."""
    segmentation = read_model_file(data / "06_models/segmentation_model.pt", "segmentation")
    frames = ProcessedSet(str(data / "03_primary" / name), ("image", "label")).loaders()
    config = MapConfig(size, size, size, SynthesisLabels.PREDICTION)
    inputs = FrameInputs(frames, sorted(frames), config)
    for index, frame_id in enumerate(sorted(frames)):
        batch = default_collate([inputs[index]])
        with torch.inference_mode():
            images = uint8_to_unit(batch["segmentation_image"])
            logits = segmentation(imagenet_normalise(images))
        scores = logit_baselines(logits, statistics)
        yield {method: values[0] for method, values in scores.items()}, frames[frame_id]().label


def measure_set(data: Path, name: str, size: tuple[int, int], statistics: MaxLogitStatistics):
    """``{(method, storage, float16 scores): PixelMetrics}`` of one set."""
    frames = list(set_baselines(data, name, size, statistics))
    spans = {
        method: (
            min(float(scores[method].min()) for scores, _ in frames),
            max(float(scores[method].max()) for scores, _ in frames),
        )
        for method in LOGIT_BASELINES
    }
    accumulators: dict[tuple[str, str, bool], PixelMetricAccumulator] = {}
    for scores, labels in frames:
        for method in LOGIT_BASELINES:
            for storage, store in STORAGE.items():
                stored = store(scores[method], spans[method])
                resized = resize_scores(stored, *labels.shape)
                for half in (False, True):
                    key = (method, storage, half)
                    accumulator = accumulators.setdefault(key, PixelMetricAccumulator())
                    accumulator.update(resized.astype(np.float16) if half else resized, labels)
    return {key: accumulator.compute(2) for key, accumulator in accumulators.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("data"))
    parser.add_argument(
        "--sets", nargs="+", default=["fs_lost_and_found", "smiyc_road_anomaly", "photo_objects"]
    )
    parser.add_argument("--size", default="128x256", help="segmentation size, HxW")
    args = parser.parse_args()
    size = tuple(int(side) for side in args.size.lower().split("x"))
    statistics_file = args.data / "06_models/segmentation_max_logit_statistics.json"
    statistics = MaxLogitStatistics.from_json(json.loads(statistics_file.read_text()))
    torch.set_num_threads(1)

    results = {name: measure_set(args.data, name, size, statistics) for name in args.sets}
    print(
        "| method | storage | scores | AP (%) per set | FPR@95%TPR (%) per set "
        "| max abs. ΔAP | max abs. ΔFPR95 |"
    )
    print("|---|---|---|---|---|---:|---:|")
    for method in LOGIT_BASELINES:
        for storage in STORAGE:
            for half in (False, True):
                print(table_row(results, method, storage, half))


def table_row(results: dict, method: str, storage: str, half: bool) -> str:
    """One Markdown row: the sets' AP and FPR95, and their largest gap to float32."""
    metrics = [result[(method, storage, half)] for result in results.values()]
    reference = [result[(method, "float32", False)] for result in results.values()]
    columns = []
    for name in ("average_precision", "fpr_at_95_tpr"):
        values = [100 * getattr(m, name) for m in metrics]
        gap = max(
            abs(value - 100 * getattr(r, name)) for value, r in zip(values, reference, strict=True)
        )
        columns.append((" / ".join(f"{value:.3f}" for value in values), f"{gap:.4f}"))
    (ap, ap_gap), (fpr, fpr_gap) = columns
    scores = "float16" if half else "exact"
    return f"| {method} | {storage} | {scores} | {ap} | {fpr} | {ap_gap} | {fpr_gap} |"


if __name__ == "__main__":
    main()
