"""Nodes of the ablation: each network's recipe, the void-only frames, and which network and
score make each row."""

from __future__ import annotations

import numpy as np
import pytest

from synboost_kedro.cityscapes import LABEL_ID_BY_NAME
from synboost_kedro.pipelines.ablation.nodes import (
    NETWORKS,
    VARIANTS,
    build_ablation_report,
    variant_training_params,
    void_only_frames,
)
from tests.conftest import make_frame

RECIPE = {
    "epochs": 10,
    "variant": "ours",
    "architecture": {"channel_divisor": 8, "prior_skip": True},
}
ABLATION = {
    "training": {
        "full": {},
        "baseline": {"variant": "baseline", "architecture": {"prior_skip": False}},
    },
    "state_root": "states",
}
PREPARATION = {
    "seed": 0,
    "replacement_label_ids": [7, 26],
    "void_objects": "dynamic",
    "ignore_void": False,
}


def test_each_network_changes_only_its_overrides_and_resumes_on_its_own():
    baseline = variant_training_params(RECIPE, ABLATION, network="baseline")
    full = variant_training_params(RECIPE, ABLATION, network="full")

    assert baseline == {
        "epochs": 10,
        "variant": "baseline",
        "architecture": {"channel_divisor": 8, "prior_skip": False},
        "resume_dir": "states/baseline",
    }
    assert full == {**RECIPE, "resume_dir": "states/full"}
    assert (
        variant_training_params(RECIPE, {**ABLATION, "state_root": None}, network="full")[
            "resume_dir"
        ]
        is None
    )


def test_unknown_networks_and_keys_are_refused_by_name():
    with pytest.raises(ValueError, match="ablation.training parameters.*'ful'"):
        variant_training_params(RECIPE, {**ABLATION, "training": {"ful": {}}}, network="full")
    with pytest.raises(ValueError, match="ablation parameters.*'state'"):
        variant_training_params(RECIPE, {**ABLATION, "state": 1}, network="full")


def test_void_only_frames_mark_the_void_objects_and_swap_nothing():
    frame = make_frame(height=8, width=16)
    frame.label_ids[0, :3] = LABEL_ID_BY_NAME["dynamic"]

    (prepared,) = void_only_frames({frame.frame_id: lambda: frame}, PREPARATION).values()
    prepared = prepared()

    np.testing.assert_array_equal(prepared.label, (frame.label_ids == 5).astype(np.uint8))
    np.testing.assert_array_equal(prepared.label_ids, frame.label_ids)
    with pytest.raises(ValueError, match="void_objects is 'none'"):
        void_only_frames({}, {**PREPARATION, "void_objects": "none"})


class _Metrics:
    """Stands in for AnomalyMetrics: the report only reads scalars()."""

    def __init__(self, value: float) -> None:
        self.value = value

    def scalars(self) -> dict[str, float]:
        return {"average_precision": self.value}


def test_each_variant_reads_its_networks_score():
    networks = {
        network: {
            "best_epoch": 1,
            "best_val_average_precision": 0.5,
            "fusion_weights": {"dissimilarity": 1.0},
            "variant": "ours",
            "architecture": {},
            "metrics": {
                "set": {
                    method: _Metrics(index + (0.5 if method == "synboost" else 0.0))
                    for method in ("dissimilarity", "synboost")
                }
            },
        }
        for index, network in enumerate(NETWORKS)
    }

    csv, markdown, runs = build_ablation_report(**networks)

    expected = {
        name: NETWORKS.index(variant.network) + (0.5 if variant.method == "synboost" else 0.0)
        for name, variant in VARIANTS.items()
    }
    rows = [line.split(",") for line in csv.splitlines()[1:]]
    assert {row[1]: float(row[2]) for row in rows} == {k: 100 * v for k, v in expected.items()}
    assert csv.startswith("dataset,variant,AP (%)")
    assert {name: run["metrics"]["set.average_precision"] for name, run in runs.items()} == expected
    assert runs["full"]["params"]["fusion_weights"] == {"dissimilarity": 1.0}
    assert "fusion_weights" not in runs["without_ensemble"]["params"]
    for name in VARIANTS:
        assert f"| {name} |" in markdown
