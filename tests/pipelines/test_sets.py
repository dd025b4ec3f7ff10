"""Evaluation benchmarks are configuration: benchmarks.yml entries, checked and merged per env."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from kedro.config import OmegaConfigLoader
from PIL import Image

from synboost_kedro.datasets.anomaly import LAYOUTS
from synboost_kedro.evaluation import METHODS
from synboost_kedro.pipelines.sets import (
    DEFAULT_TRACKS,
    SELECTION_SET,
    Benchmark,
    anomaly_sets,
    load_benchmarks,
    read_benchmarks,
)
from synboost_kedro.settings import CONFIG_LOADER_ARGS
from tests.conftest import PROJECT_ROOT, run_kedro, street_image
from tests.pipelines.conftest import BENCHMARK_NAMES, BENCHMARKS, TINY_NETWORK_PARAMS


def test_the_demo_keeps_its_three_synthetic_benchmarks():
    assert BENCHMARKS == (
        Benchmark(
            "fs_lost_and_found",
            "data/01_raw/synthetic_fs_lost_and_found",
            "fishyscapes",
            "obstacle",
        ),
        Benchmark(
            "smiyc_road_anomaly",
            "data/01_raw/synthetic_smiyc_road_anomaly",
            "smiyc_anomaly",
            "anomaly",
        ),
        Benchmark(
            "photo_objects", "data/01_raw/synthetic_photo_objects", "fishyscapes", "obstacle"
        ),
    )
    assert anomaly_sets(BENCHMARKS) == (
        SELECTION_SET,
        "fs_lost_and_found",
        "smiyc_road_anomaly",
        "photo_objects",
    )


def test_every_format_has_a_default_track():
    assert set(DEFAULT_TRACKS) == set(LAYOUTS)


def test_an_entry_names_folder_and_format_and_may_set_the_rest():
    (benchmark,) = read_benchmarks(
        {
            "laf": {
                "path": "/data/laf",
                "format": "lost_and_found_label_ids",
                "split": "test",
                "track": "anomaly",
                "skip_unlabelled": True,
            }
        }
    )

    dataset = benchmark.dataset()

    assert benchmark == Benchmark(
        "laf", "/data/laf", "lost_and_found_label_ids", "anomaly", "test", True
    )
    assert dataset._describe() == {
        "path": "/data/laf",
        "layout": "lost_and_found_label_ids",
        "split": "test",
    }
    assert dataset.metadata == {"kedro-viz": {"layer": "raw"}}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"path": "x"}, r"benchmark 'b' \(benchmarks.yml\) needs \['format'\]"),
        ({"path": "x", "format": "kitti"}, "unknown format 'kitti'; choose one of"),
        ({"path": "x", "format": "fishyscapes", "track": "lane"}, "unknown track 'lane'"),
        ({"path": "x", "format": "fishyscapes", "formta": 1}, "did you mean 'format'"),
        ({"path": "x", "format": "fishyscapes", "skip_unlabelled": "yes"}, "true or false"),
        ({"path": "x", "format": "lost_and_found", "split": 2021}, "split must be a folder"),
        ("data/x", "must be a mapping"),
    ],
)
def test_a_bad_entry_is_refused_naming_the_benchmark(entry, message):
    with pytest.raises(ValueError, match=message):
        read_benchmarks({"b": entry})


@pytest.mark.parametrize("name", ["fs.static", "2021_set", "anomaly_val", "dissimilarity_train"])
def test_names_that_are_no_namespace_or_taken_are_refused(name: str):
    with pytest.raises(ValueError, match=f"Invalid benchmark '{name}'"):
        read_benchmarks({name: {"path": "x", "format": "fishyscapes"}})


def test_an_environment_adds_changes_and_drops_benchmarks(tmp_path: Path):
    for env, text in {
        "base": "a: {path: data/a, format: fishyscapes}\nb: {path: data/b, format: road_anomaly}\n",
        "real": "a: {path: /real/a}\nb: null\nc: {path: /real/c, format: smiyc_obstacle}\n",
        "local": "",
    }.items():
        (tmp_path / env).mkdir()
        (tmp_path / env / "benchmarks.yml").write_text(text)

    def benchmarks(env: str | None) -> tuple[Benchmark, ...]:
        return load_benchmarks(OmegaConfigLoader(str(tmp_path), env=env, **CONFIG_LOADER_ARGS))

    assert [b.name for b in benchmarks(None)] == ["a", "b"]
    assert benchmarks("real") == (
        Benchmark("a", "/real/a", "fishyscapes", "obstacle"),
        Benchmark("c", "/real/c", "smiyc_obstacle", "obstacle"),
    )


def test_the_commented_real_benchmarks_are_valid_once_uncommented():
    text = (PROJECT_ROOT / "conf/cityscapes/benchmarks.yml").read_text()
    entries = re.findall(r"^# ([a-z_0-9]+:(?: null)?|  [a-z_]+: .+)$", text, re.MULTILINE)

    benchmarks = read_benchmarks(yaml.safe_load("\n".join(entries)))

    assert {benchmark.format for benchmark in benchmarks} == set(LAYOUTS) - {"lost_and_found"}


def test_a_project_without_benchmarks_file_has_none(tmp_path: Path):
    for env in ("base", "local"):
        (tmp_path / env).mkdir()

    assert load_benchmarks(OmegaConfigLoader(str(tmp_path), **CONFIG_LOADER_ARGS)) == ()


def _road_anomaly_download(root: Path) -> None:
    """Two Road Anomaly frames in the official layout: frames/<id>.jpg and its label folder."""
    for seed, name in enumerate(("cow_on_road", "fallen_tree")):
        image = street_image(64, 128, seed)
        labels = np.zeros((64, 128), np.uint8)
        labels[32:] = 1  # road
        labels[-16:, 43:64] = 2  # the bright block of street_image: the anomaly
        (root / "frames" / f"{name}.labels").mkdir(parents=True, exist_ok=True)
        Image.fromarray(image).save(root / "frames" / f"{name}.jpg", quality=95)
        Image.fromarray(labels).save(root / "frames" / f"{name}.labels" / "labels_semantic.png")


@pytest.mark.slow
def test_a_benchmark_added_by_configuration_alone_is_evaluated(project_with_models: Path):
    project = project_with_models
    _road_anomaly_download(project / "downloads" / "road_anomaly")
    (project / "conf" / "local" / "benchmarks.yml").write_text(
        "road_anomaly:\n  path: downloads/road_anomaly\n  format: road_anomaly\n"
    )
    params = {
        **TINY_NETWORK_PARAMS,
        "uncertainty_maps.device": "cpu",
        "evaluation.device": "cpu",
        "evaluation.fusion.grid_search": False,
    }

    run_kedro(project, "synthetic_data")
    for pipeline in ("data_preparation", "uncertainty_maps", "evaluation"):
        run_kedro(project, pipeline, params)

    with (project / "data/08_reporting/evaluation_metrics.csv").open() as stream:
        rows = [(row["dataset"], row["method"]) for row in csv.DictReader(stream)]
    sets = [*BENCHMARK_NAMES, "road_anomaly"]
    assert rows == [(name, method) for name in sets for method in METHODS]
    assert (project / "data/04_feature/road_anomaly/standardized_max_logit").is_dir()
    assert (project / "data/08_reporting/road_anomaly_overlays.png").is_file()
