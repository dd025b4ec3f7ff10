"""Nodes of the ``ablation`` pipeline: the paper's ablation with the demo recipe.

Three networks are trained, each by the ``dissimilarity_training`` recipe with only what it
ablates changed, and each is scored by the ``evaluation`` nodes. Four variants read off them:
the full model, the full network without the fusion, the baseline network without uncertainty
maps, and the network trained without label swapping.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from torch import nn

from synboost_kedro.evaluation import FUSION_METHOD
from synboost_kedro.evaluation.report import metrics_csv, metrics_markdown
from synboost_kedro.frames import CityscapesFrame, ProcessedFrame
from synboost_kedro.inference import ORIGINAL_BASELINE_FUSION
from synboost_kedro.pipelines.data_preparation.nodes import swap_settings, training_frames
from synboost_kedro.pipelines.dissimilarity_training.nodes import (
    compute_class_weights,
    train_dissimilarity_model,
)
from synboost_kedro.scoring import FrameLoader
from synboost_kedro.utils.strict_fields import check_known_keys


@dataclasses.dataclass(frozen=True)
class Variant:
    """One row of the ablation table.

    Attributes:
        network: The trained network it scores with (a key of :data:`NETWORKS`).
        method: Its score: the fusion (:data:`FUSION_METHOD`) or ``"dissimilarity"`` alone.
        description: What it leaves out.
    """

    network: str
    method: str
    description: str


#: The networks trained: ``full`` by the recipe, ``baseline`` without the uncertainty maps as
#: inputs (the paper's baseline network), ``void_only`` on frames without label swapping.
NETWORKS: tuple[str, ...] = ("full", "baseline", "void_only")
#: The network trained on frames of its own (the others share the label-swapped frames).
VOID_ONLY = "void_only"
#: The rows of the table, in the paper's order: each removes one part of the full model.
VARIANTS: dict[str, Variant] = {
    "without_uncertainty_maps": Variant(
        "baseline",
        "dissimilarity",
        "baseline network: no uncertainty maps as inputs, scored by its anomaly probability",
    ),
    "without_label_swapping": Variant(
        VOID_ONLY, FUSION_METHOD, "trained on anomalies from void objects only, then fused"
    ),
    "without_ensemble": Variant(
        "full", "dissimilarity", "the full network's anomaly probability, without the fusion"
    ),
    "full": Variant("full", FUSION_METHOD, "the full model: network and fusion"),
}
PARAMETER_KEYS = ("training", "state_root")


def variant_training_params(
    training_params: Mapping[str, Any], params: Mapping[str, Any], *, network: str
) -> dict[str, Any]:
    """The ``dissimilarity_training`` parameters of one network: the recipe with the network's
    ``ablation.training`` overrides (``architecture`` merged key by key) and its own resumable
    state under ``ablation.state_root``.

    Raises:
        ValueError: an unknown key in the ``ablation`` parameters; the message names it.
    """
    check_known_keys(params, PARAMETER_KEYS, "ablation parameters")
    check_known_keys(params["training"], NETWORKS, "ablation.training parameters")
    overrides = dict(params["training"].get(network) or {})
    merged = {**training_params, **overrides}
    if "architecture" in overrides:
        merged["architecture"] = {
            **(training_params.get("architecture") or {}),
            **(overrides["architecture"] or {}),
        }
    root = params["state_root"]
    merged["resume_dir"] = None if root is None else str(Path(root) / network)
    return merged


def void_only_frames(
    cityscapes_frames: Mapping[str, Callable[[], CityscapesFrame]], params: Mapping[str, Any]
) -> dict[str, Callable[[], ProcessedFrame]]:
    """Training frames whose only anomalies are the void objects (``data_preparation``
    settings, with label swapping off).

    Raises:
        ValueError: ``data_preparation.void_objects`` is ``none``, so no frame would hold an
            anomaly.
    """
    settings = dataclasses.replace(swap_settings(params), swap_instances=False)
    if not settings.void_label_ids:
        raise ValueError(
            "Parameter data_preparation.void_objects is 'none': without label swapping the "
            "void objects are the only training anomalies; choose a preset such as 'dynamic'"
        )
    return training_frames(cityscapes_frames, settings)


def train_network(
    *,
    train_frames: Mapping[str, FrameLoader],
    train_maps: Mapping[str, FrameLoader],
    val_frames: Mapping[str, FrameLoader],
    val_maps: Mapping[str, FrameLoader],
    params: dict[str, Any],
    perceptual_params: dict[str, Any],
) -> tuple[nn.Module, dict[str, Any]]:
    """One network trained as ``dissimilarity_training`` trains it (class weights from its
    training masks, epoch selected on the validation anomaly set).

    Returns:
        The best network and the training summary (see ``train_dissimilarity_model``).
    """
    class_weights = compute_class_weights(train_frames, params, perceptual_params)
    model, _, summary = train_dissimilarity_model(
        train_frames=train_frames,
        train_maps=train_maps,
        val_frames=val_frames,
        val_maps=val_maps,
        class_weights=class_weights,
        params=params,
        perceptual_params=perceptual_params,
    )
    return model, summary


def anomaly_probability_alone() -> dict[str, float]:
    """The fusion of a network scored alone: its anomaly probability (no ensemble)."""
    return dict(ORIGINAL_BASELINE_FUSION)


def collect_network(
    summary: dict[str, Any],
    fusion_weights: dict[str, float],
    training_params: dict[str, Any],
    **set_results: dict[str, Any],
) -> dict[str, Any]:
    """One network's training summary, fusion weights and overrides, and the metrics of every
    method on every set (``measure_set`` results by set)."""
    best = next(row for row in summary["history"] if row["epoch"] == summary["best_epoch"])
    return {
        "best_epoch": summary["best_epoch"],
        "best_val_average_precision": best["val_average_precision"],
        "fusion_weights": fusion_weights,
        "variant": training_params.get("variant"),
        "architecture": training_params.get("architecture"),
        "metrics": {name: result["metrics"] for name, result in set_results.items()},
    }


def build_ablation_report(**networks: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """The ablation table (CSV, Markdown with the variants explained) and one MLflow run record
    per variant (for ``NestedMlflowRunsDataset``).

    Args:
        networks: :func:`collect_network` of each network, by name.
    """
    set_names = list(next(iter(networks.values()))["metrics"])
    results = {
        set_name: {
            name: networks[variant.network]["metrics"][set_name][variant.method]
            for name, variant in VARIANTS.items()
        }
        for set_name in set_names
    }
    markdown = metrics_markdown(results, row_name="variant") + _legend(networks)
    return metrics_csv(results, row_name="variant"), markdown, _run_records(networks, results)


def _legend(networks: Mapping[str, dict[str, Any]]) -> str:
    lines = ["", "| variant | network | score | what it leaves out |", "|---|---|---|---|"]
    lines += [
        f"| {name} | {variant.network} | {variant.method} | {variant.description} |"
        for name, variant in VARIANTS.items()
    ]
    lines += ["", "| network | best epoch | AP on the selection set (%) | fusion weights |"]
    lines += ["|---|---:|---:|---|"]
    for name, network in networks.items():
        weights = ", ".join(
            f"{method} {weight:.3g}" for method, weight in network["fusion_weights"].items()
        )
        lines.append(
            f"| {name} | {network['best_epoch']} | "
            f"{100 * network['best_val_average_precision']:.2f} | {weights} |"
        )
    return "\n".join(lines) + "\n"


def _run_records(
    networks: Mapping[str, dict[str, Any]], results: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, dict[str, Any]]]:
    records = {}
    for name, variant in VARIANTS.items():
        network = networks[variant.network]
        params = {
            "network": variant.network,
            "score": variant.method,
            "description": variant.description,
            "dissimilarity_variant": network["variant"],
            "architecture": network["architecture"],
            "best_epoch": network["best_epoch"],
        }
        if variant.method == FUSION_METHOD:
            params["fusion_weights"] = network["fusion_weights"]
        metrics = {
            f"{set_name}.{metric}": value
            for set_name, variants in results.items()
            for metric, value in variants[name].scalars().items()
            if math.isfinite(value)
        }
        records[name] = {"params": params, "metrics": metrics, "texts": {}}
    return records
