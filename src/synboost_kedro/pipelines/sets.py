"""The named data sets the pipelines are built for; each is a Kedro namespace.

The training and selection sets are fixed here. The evaluation benchmarks are configuration:
``conf/<env>/benchmarks.yml`` names each benchmark, its folder and its format, and the project's
hook (``hooks.BenchmarkHook``) reads the run's environment, builds every pipeline for those
names and adds each ``<benchmark>.raw`` dataset to the catalog (docs/evaluation.md, "Adding a
benchmark").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kedro.config import AbstractConfigLoader, MissingConfigException

from synboost_kedro.datasets.anomaly import LAYOUTS, AnomalyBenchmarkDataset
from synboost_kedro.utils.strict_fields import check_known_keys

#: Label-swapped Cityscapes train frames, the dissimilarity network's training data. (AP on
#: label-swapped *val* frames kept rising while AP on real anomalies collapsed, so models are
#: selected on SELECTION_SET instead; docs/dissimilarity_training.md.)
TRAINING_SETS: tuple[str, ...] = ("dissimilarity_train",)

#: Anomalies of other shapes and looks than every evaluation set's: selects the training step
#: and the fusion weights, as the paper selected on Fishyscapes Lost & Found val.
SELECTION_SET = "anomaly_val"

#: The datasets of a set that pipelines outside the set's namespace read.
SHARED_KINDS = ("swapped_frames", "benchmark_frames", "maps", "results")


def shared_dataset(set_name: str, kind: str) -> str:
    """The catalog name of a set's dataset that other namespaces read: ``<set>__<kind>``.

    Not ``<set>.<kind>``: Kedro keeps dotted names for the datasets inside a namespace, and
    warns when a node outside it reads one; the set's namespaced pipelines map their ``<kind>``
    to this name.
    """
    if kind not in SHARED_KINDS:
        raise ValueError(f"'{kind}' is not a shared dataset kind; one of {SHARED_KINDS}")
    return f"{set_name}__{kind}"


#: The configuration key (and file name pattern) of the evaluation benchmarks.
BENCHMARKS_CONFIG = "benchmarks"

#: SegmentMeIfYouCan component track (size filters of its protocol) of each format, unless a
#: benchmark names its own: road obstacles are small, anomalies may be anywhere and large.
DEFAULT_TRACKS = {
    "fishyscapes": "obstacle",
    "smiyc_anomaly": "anomaly",
    "smiyc_obstacle": "obstacle",
    "lost_and_found": "obstacle",
    "lost_and_found_label_ids": "obstacle",
    "road_anomaly": "anomaly",
}
_TRACKS = ("anomaly", "obstacle")
_KEYS = ("path", "format", "track", "split", "skip_unlabelled")
# A namespace: no dots (Kedro's separator), and a valid name in every table and file name.
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# Names the pipelines use for something else.
_RESERVED = {*TRAINING_SETS, SELECTION_SET, "fusion_weight_selection"}


@dataclass(frozen=True)
class Benchmark:
    """One evaluation benchmark of ``benchmarks.yml``.

    Attributes:
        name: The set's name: its namespace, its rows in the table, its folders under ``data/``.
        path: The benchmark's root folder.
        format: Its layout on disk, a key of :data:`~synboost_kedro.datasets.anomaly.LAYOUTS`.
        track: Component track, ``"anomaly"`` or ``"obstacle"``.
        split: Sub-folder of a Cityscapes-style layout (``lost_and_found``), e.g. ``test``.
        skip_unlabelled: Leave out images without a label (SegmentMeIfYouCan's hidden test
            labels) instead of refusing them.
    """

    name: str
    path: str
    format: str
    track: str
    split: str | None = None
    skip_unlabelled: bool = False

    def dataset(self) -> AnomalyBenchmarkDataset:
        """The benchmark's ``<name>.raw`` catalog dataset."""
        return AnomalyBenchmarkDataset(
            self.path,
            self.format,
            split=self.split,
            skip_unlabelled=self.skip_unlabelled,
            metadata={"kedro-viz": {"layer": "raw"}},
        )


def read_benchmarks(config: Mapping[str, Any]) -> tuple[Benchmark, ...]:
    """The benchmarks of a ``benchmarks.yml`` mapping, in file order; ``null`` entries (an
    environment leaving out a base benchmark) are dropped.

    Raises:
        ValueError: a bad name, an unknown key, format or track, or a missing path or format;
            the message names the benchmark and the valid choices.
    """
    return tuple(
        _benchmark(str(name), entry) for name, entry in config.items() if entry is not None
    )


def _benchmark(name: str, entry: Any) -> Benchmark:
    where = f"benchmark '{name}' (benchmarks.yml)"
    if not _NAME.fullmatch(name) or name in _RESERVED:
        raise ValueError(
            f"Invalid {where}: a name starts with a letter and holds only letters, digits and "
            f"'_', and is none of {sorted(_RESERVED)}"
        )
    if not isinstance(entry, Mapping):
        raise ValueError(f"{where} must be a mapping with {list(_KEYS)}, got {entry!r}")
    check_known_keys(entry, _KEYS, f"keys of {where}")
    missing = [key for key in ("path", "format") if not entry.get(key)]
    if missing:
        raise ValueError(f"{where} needs {missing}")
    layout = entry["format"]
    if layout not in LAYOUTS:
        raise ValueError(f"{where}: unknown format '{layout}'; choose one of {sorted(LAYOUTS)}")
    track = entry.get("track") or DEFAULT_TRACKS[layout]
    if track not in _TRACKS:
        raise ValueError(f"{where}: unknown track '{track}'; choose one of {list(_TRACKS)}")
    split = entry.get("split")
    if split is not None and not isinstance(split, str):
        raise ValueError(f"{where}: split must be a folder name, got {split!r}")
    skip_unlabelled = entry.get("skip_unlabelled", False)
    if not isinstance(skip_unlabelled, bool):
        raise ValueError(f"{where}: skip_unlabelled must be true or false")
    return Benchmark(name, str(entry["path"]), layout, track, split, skip_unlabelled)


def load_benchmarks(config_loader: AbstractConfigLoader) -> tuple[Benchmark, ...]:
    """The benchmarks of the loader's environment (``conf/base`` merged with ``--env``'s)."""
    try:
        config = config_loader[BENCHMARKS_CONFIG]
    except MissingConfigException:
        return ()
    return read_benchmarks(config)


def anomaly_sets(benchmarks: tuple[Benchmark, ...]) -> tuple[str, ...]:
    """Every set in benchmark form (image + 1/0/255 mask, maps re-synthesised from the
    prediction): the selection set, then the benchmarks."""
    return (SELECTION_SET, *(benchmark.name for benchmark in benchmarks))
