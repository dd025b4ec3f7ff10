"""The pipeline on a hand-built catalog (spaceflights style), independent of training."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import numpy as np
import pytest
from kedro.io import DataCatalog, DatasetError, MemoryDataset
from kedro.runner import SequentialRunner
from kedro_datasets.json import JSONDataset

from synboost_kedro.datasets import CityscapesDataset, ProcessedDataset
from synboost_kedro.frames import LOGIT_BASELINES, ProcessedFrame
from synboost_kedro.models.model_file import write_model_file
from synboost_kedro.pipelines.sets import TRAINING_SETS, anomaly_sets
from synboost_kedro.pipelines.uncertainty_maps import create_pipeline
from synboost_kedro.pipelines.uncertainty_maps.nodes import (
    build_perceptual_network,
)
from synboost_kedro.pipelines.uncertainty_maps.pipeline import STATISTICS
from synboost_kedro.uncertainty import MapConfig, MapModels, MapProducer
from tests.conftest import (
    BENCHMARK_MAP_FIELDS,
    MAP_FIELDS,
    make_frame,
    processed_frame,
    run_kedro,
    tiny_networks,
    torch_threads,
)
from tests.pipelines.conftest import BENCHMARK_NAMES, BENCHMARKS, FRAME_IDS, MAP_PARAMS

TRAINING_SET, EVALUATION_SET = TRAINING_SETS[0], BENCHMARK_NAMES[0]
ANOMALY_SETS = anomaly_sets(BENCHMARKS)
FIELDS = {TRAINING_SET: MAP_FIELDS, EVALUATION_SET: BENCHMARK_MAP_FIELDS}


@pytest.fixture(autouse=True)
def _one_torch_thread():
    with torch_threads(1):
        yield


@pytest.fixture(scope="module")
def perceptual_network():
    return build_perceptual_network(MAP_PARAMS)


def _write_frames(root: Path, sets: tuple[str, ...] = (TRAINING_SET, EVALUATION_SET)) -> None:
    frames = {}
    for seed, frame_id in enumerate(FRAME_IDS):
        frame = make_frame(frame_id, 40, 72, seed)
        frames[frame_id] = ProcessedFrame(
            frame_id,
            frame.image,
            semantic=np.zeros((40, 72), np.uint8),
            label_ids=frame.label_ids,
            instance_ids=frame.instance_ids,
            label=np.zeros((40, 72), np.uint8),
        )
    for name in sets:
        fields = ["image", "label"]
        if name in TRAINING_SETS:
            fields += ["semantic", "label_ids", "instance_ids"]
        ProcessedDataset(str(root / name), fields).save(frames)


def _catalog(tmp_path: Path, perceptual_network, rebuild: bool = False) -> DataCatalog:
    primary, feature = tmp_path / "primary", tmp_path / "feature"
    segmentation, synthesis = tiny_networks()
    return DataCatalog(
        {
            f"{TRAINING_SET}__swapped_frames": ProcessedDataset(
                str(primary / TRAINING_SET),
                ["image", "label", "semantic", "label_ids", "instance_ids"],
            ),
            f"{EVALUATION_SET}__benchmark_frames": ProcessedDataset(
                str(primary / EVALUATION_SET), ["image", "label"]
            ),
            **{
                f"{name}__maps": ProcessedDataset(str(feature / name), fields, overwrite=rebuild)
                for name, fields in FIELDS.items()
            },
            "segmentation_model": MemoryDataset(segmentation, copy_mode="assign"),
            "synthesis_model": MemoryDataset(synthesis, copy_mode="assign"),
            "perceptual_network": MemoryDataset(perceptual_network, copy_mode="assign"),
            "params:uncertainty_maps": MemoryDataset(MAP_PARAMS),
            "cityscapes_train": MemoryDataset(_cityscapes_train(), copy_mode="assign"),
            STATISTICS: JSONDataset(filepath=str(tmp_path / "statistics.json")),
        }
    )


def _cityscapes_train() -> dict:
    """``{frame_id: loader}`` of a Cityscapes train split, as ``CityscapesDataset`` loads it."""
    return {
        frame_id: partial(make_frame, frame_id, 40, 72, seed)
        for seed, frame_id in enumerate(FRAME_IDS)
    }


def _run(tmp_path: Path, perceptual_network, rebuild: bool = False) -> None:
    pipeline = create_pipeline(BENCHMARKS)
    statistics = pipeline.only_nodes("measure_segmentation_statistics_node")
    maps = pipeline.only_nodes_with_namespaces(list(FIELDS))
    SequentialRunner().run(statistics + maps, _catalog(tmp_path, perceptual_network, rebuild))


def _mtimes(root: Path) -> dict[str, int]:
    return {str(path.relative_to(root)): path.stat().st_mtime_ns for path in root.rglob("*.png")}


def test_every_set_has_a_namespace_and_the_vgg_network_is_shared():
    pipeline = create_pipeline(BENCHMARKS)

    names = {node.name for node in pipeline.nodes}
    assert {
        "convert_hed_vgg16_node",
        "build_perceptual_network_node",
        "measure_segmentation_statistics_node",
    } <= names
    for name in TRAINING_SETS:
        assert f"{name}.compute_maps_from_swapped_labels_node" in names
    for name in ANOMALY_SETS:
        assert f"{name}.compute_maps_from_predictions_node" in names
    assert pipeline.inputs() == {
        "segmentation_model",
        "synthesis_model",
        "params:uncertainty_maps",
        "params:pretrained_weights.hed_vgg16",
        "cityscapes_train",
        *(f"{name}__swapped_frames" for name in TRAINING_SETS),
        *(f"{name}__benchmark_frames" for name in ANOMALY_SETS),
    }
    assert pipeline.outputs() == {
        "hed_vgg16_weights",
        *(f"{name}__maps" for name in (*TRAINING_SETS, *ANOMALY_SETS)),
    }


def test_maps_are_stored_per_frame_id_and_reruns_only_fill_gaps(tmp_path, perceptual_network):
    _write_frames(tmp_path / "primary")
    feature = tmp_path / "feature"

    _run(tmp_path, perceptual_network)
    first = _mtimes(feature)
    removed = feature / EVALUATION_SET / "mae_features" / f"{FRAME_IDS[1]}.png"
    removed.unlink()
    _run(tmp_path, perceptual_network)
    second = _mtimes(feature)
    _run(tmp_path, perceptual_network, rebuild=True)
    third = _mtimes(feature)

    for name in (TRAINING_SET, EVALUATION_SET):
        for folder in ("semantic", "synthesis", "entropy", "logit_distance", "mae_features"):
            stored = sorted(path.stem for path in (feature / name / folder).glob("*.png"))
            assert stored == FRAME_IDS, (name, folder)
    for folder in LOGIT_BASELINES:
        stored = sorted(path.stem for path in (feature / EVALUATION_SET / folder).glob("*.npy"))
        assert stored == FRAME_IDS, folder
        assert not (feature / TRAINING_SET / folder).exists()
    assert not list(feature.rglob(".*tmp*"))
    changed = {key for key in first if first[key] != second[key]}
    assert changed == {
        f"{EVALUATION_SET}/{folder}/{FRAME_IDS[1]}.png"
        for folder in ("semantic", "synthesis", "entropy", "logit_distance", "mae_features")
    }
    assert all(third[key] != second[key] for key in second)
    statistics = tmp_path / "statistics.json"
    assert json.loads(statistics.read_text())["road"]["pixels"] >= 0


def test_training_and_evaluation_sets_synthesise_from_different_label_maps(
    tmp_path, perceptual_network
):
    _write_frames(tmp_path / "primary")

    _run(tmp_path, perceptual_network)

    def load(name):
        return ProcessedDataset(str(tmp_path / "feature" / name), FIELDS[name]).load()

    training, evaluation = load(TRAINING_SET), load(EVALUATION_SET)
    frame_id = FRAME_IDS[0]
    assert np.array_equal(training[frame_id]().entropy, evaluation[frame_id]().entropy)
    assert not np.array_equal(training[frame_id]().synthesis, evaluation[frame_id]().synthesis)


def test_a_crash_keeps_finished_frames_whole_and_the_rerun_completes_the_rest(
    tmp_path, perceptual_network
):
    segmentation, synthesis = tiny_networks()
    models = MapModels(segmentation, synthesis, perceptual_network)
    settings = MapConfig.from_params(
        {**MAP_PARAMS, "batch_size": 1, "num_workers": 0}, "prediction"
    )
    frames = {frame_id: partial(processed_frame, frame_id) for frame_id in FRAME_IDS}
    broken = {**frames, FRAME_IDS[1]: partial(processed_frame, FRAME_IDS[1], 0, 0)}
    maps = ProcessedDataset(str(tmp_path), MAP_FIELDS)

    # Kedro wraps errors raised while saving; the message still names the frame.
    with pytest.raises(DatasetError, match=f"{FRAME_IDS[1]}'.*image is empty"):
        maps.save(MapProducer(broken, models, settings))
    assert maps.stored_frame_ids() == {FRAME_IDS[0]}
    assert not [path for path in tmp_path.rglob("*") if ".tmp" in path.name]
    maps.save(MapProducer(frames, models, settings))

    assert maps.stored_frame_ids() == set(FRAME_IDS)


def test_kedro_run_fills_every_set_through_the_project_catalog(kedro_project):
    segmentation, synthesis = tiny_networks()
    write_model_file(segmentation, kedro_project / "data/06_models/segmentation_model.pt")
    write_model_file(synthesis, kedro_project / "data/06_models/synthesis_model.pt")
    _write_frames(kedro_project / "data/03_primary", sets=(*TRAINING_SETS, *ANOMALY_SETS))
    train_split = {frame_id: load() for frame_id, load in _cityscapes_train().items()}
    CityscapesDataset(str(kedro_project / "data/01_raw/cityscapes"), "train").save(train_split)
    params = {
        f"uncertainty_maps.{key}": value
        for key, value in {
            "device": "cpu",
            "num_workers": 0,
            "segmentation.height": 32,
            "segmentation.width": 64,
            "synthesis.height": 16,
            "synthesis.width": 32,
            "perceptual.height": 16,
            "perceptual.width": 32,
        }.items()
    }

    run_kedro(kedro_project, "uncertainty_maps", params)

    for name in (*TRAINING_SETS, *ANOMALY_SETS):
        fields = MAP_FIELDS if name in TRAINING_SETS else BENCHMARK_MAP_FIELDS
        maps = ProcessedDataset(str(kedro_project / "data/04_feature" / name), fields)
        assert maps.stored_frame_ids() == set(FRAME_IDS), name
        assert maps.load()[FRAME_IDS[0]]().entropy.shape == (32, 64)
    assert (kedro_project / "data/06_models/segmentation_max_logit_statistics.json").is_file()
