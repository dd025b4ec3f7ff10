from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from kedro.config import OmegaConfigLoader
from PIL import Image

from synboost_kedro.cityscapes import LABEL_ID_BY_NAME, label_ids_to_train_ids
from synboost_kedro.datasets import AnomalyBenchmarkDataset, CityscapesDataset
from synboost_kedro.frames import AnomalyFrame, CityscapesFrame
from synboost_kedro.pipeline_registry import PIPELINE_NAMES, TRAIN_STAGES
from synboost_kedro.pipelines.data_preparation import create_pipeline
from synboost_kedro.preparation import ORIGINAL_REPLACEMENT_LABEL_IDS, VOID_OBJECT_PRESETS
from synboost_kedro.settings import CONFIG_LOADER_ARGS
from synboost_kedro.synthetic.clutter import DYNAMIC_LABEL_ID
from tests.conftest import PROJECT_ROOT, make_frame, run_kedro
from tests.pipelines.conftest import BENCHMARKS

CAR = LABEL_ID_BY_NAME["car"]


def _read(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image)


def test_each_set_is_a_namespace_with_readable_names():
    nodes = {node.name: node for node in create_pipeline(BENCHMARKS).nodes}
    assert sorted(nodes) == [
        "anomaly_val.convert_benchmark_labels_node",
        "dissimilarity_train.swap_instance_labels_node",
        "fs_lost_and_found.convert_benchmark_labels_node",
        "photo_objects.convert_benchmark_labels_node",
        "smiyc_road_anomaly.convert_benchmark_labels_node",
    ]
    train = nodes["dissimilarity_train.swap_instance_labels_node"]
    assert train.inputs == ["cityscapes_train", "params:data_preparation"]
    assert train.outputs == ["dissimilarity_train__swapped_frames"]
    convert = nodes["smiyc_road_anomaly.convert_benchmark_labels_node"]
    assert (convert.inputs, convert.outputs) == (
        ["smiyc_road_anomaly.raw"],
        ["smiyc_road_anomaly__benchmark_frames"],
    )


def test_registered_after_the_raw_data_and_first_in_training():
    assert PIPELINE_NAMES.index("data_preparation") > PIPELINE_NAMES.index("synthetic_data")
    assert TRAIN_STAGES.index("data_preparation") < TRAIN_STAGES.index("uncertainty_maps")


@pytest.mark.parametrize("env", ["local", "cityscapes"])
def test_parameter_files_hold_the_original_replacement_list(env: str):
    loader = OmegaConfigLoader(
        str(PROJECT_ROOT / "conf"), **{**CONFIG_LOADER_ARGS, "default_run_env": env}
    )
    params = loader["parameters"]["data_preparation"]
    assert tuple(params["replacement_label_ids"]) == ORIGINAL_REPLACEMENT_LABEL_IDS
    assert params["void_objects"] in VOID_OBJECT_PRESETS
    assert all(
        isinstance(value, int | str | bool)
        for key, value in params.items()
        if key != "replacement_label_ids"
    )


def test_run_on_synthetic_data(kedro_project: Path):
    run_kedro(kedro_project, "synthetic_data")
    run_kedro(kedro_project, "data_preparation", {"data_preparation.ignore_void": True})
    raw = kedro_project / "data/01_raw"
    primary = kedro_project / "data/03_primary"

    swapped_any = False
    for split, processed_set in (("train", "dissimilarity_train"),):
        sources = sorted((raw / f"cityscapes/gtFine/{split}").glob("*/*_gtFine_labelIds.png"))
        labels = sorted((primary / processed_set / "labels").glob("*.png"))
        assert [p.name[: -len("_gtFine_labelIds.png")] for p in sources] == [p.stem for p in labels]
        for source in sources:
            frame_id = source.name[: -len("_gtFine_labelIds.png")]
            original_ids = _read(source)
            folder = primary / processed_set
            label = _read(folder / f"labels/{frame_id}.png")
            label_ids = _read(folder / f"semantic_labelIds/{frame_id}.png")
            changed = label_ids != original_ids
            # 1 exactly where the labels changed and on void "dynamic" objects (the base
            # configuration's void_objects); remaining void pixels are ignored (255).
            dynamic = original_ids == DYNAMIC_LABEL_ID
            np.testing.assert_array_equal(label == 1, changed | dynamic)
            void = label_ids_to_train_ids(original_ids) == 255
            np.testing.assert_array_equal(label == 255, void & ~changed & ~dynamic)
            np.testing.assert_array_equal(
                _read(folder / f"semantic/{frame_id}.png"), label_ids_to_train_ids(label_ids)
            )
            image = raw / f"cityscapes/leftImg8bit/{split}/{source.parent.name}"
            np.testing.assert_array_equal(
                _read(folder / f"original/{frame_id}.png"),
                _read(image / f"{frame_id}_leftImg8bit.png"),
            )
            swapped_any |= bool(changed.any())
    assert swapped_any

    for benchmark, mask_glob in (
        ("fs_lost_and_found", "synthetic_fs_lost_and_found/labels/*.png"),
        ("smiyc_road_anomaly", "synthetic_smiyc_road_anomaly/labels_masks/*.png"),
    ):
        masks = sorted(raw.glob(mask_glob))
        assert masks
        for mask in masks:
            frame_id = mask.name.removesuffix("_labels_semantic.png").removesuffix(".png")
            np.testing.assert_array_equal(
                _read(primary / f"{benchmark}/labels/{frame_id}.png"), _read(mask)
            )


def _write_hand_made_inputs(project: Path, train_frames: int) -> None:
    """Cityscapes splits of ``make_frame`` frames (two cars each) and one-frame benchmarks."""
    raw = project / "data/01_raw"
    frames = {}
    for index in range(train_frames + 1):
        frame = make_frame(f"testcity_000000_{index:06d}", seed=index)
        label_ids, instance_ids = frame.label_ids.copy(), frame.instance_ids.copy()
        label_ids[-3:, 9:13], instance_ids[-3:, 9:13] = CAR, CAR * 1000 + 1
        frames[frame.frame_id] = CityscapesFrame(
            frame.frame_id, frame.image, label_ids, instance_ids
        )
    ids = sorted(frames)
    for split, split_ids in (("train", ids[:-1]), ("val", ids[-1:])):
        CityscapesDataset(str(raw / "cityscapes"), split).save({i: frames[i] for i in split_ids})
    benchmark = AnomalyFrame("f1", frames[ids[0]].image, np.zeros((8, 16), np.uint8))
    for folder, layout in (
        ("synthetic_fs_lost_and_found", "fishyscapes"),
        ("synthetic_smiyc_road_anomaly", "smiyc_anomaly"),
        ("synthetic_photo_objects", "fishyscapes"),
        ("synthetic_anomaly_val", "fishyscapes"),
    ):
        AnomalyBenchmarkDataset(str(raw / folder), layout).save({"f1": benchmark})


def test_labels_do_not_depend_on_how_many_frames_there_are(kedro_project: Path):
    _write_hand_made_inputs(kedro_project, train_frames=6)
    run_kedro(kedro_project, "data_preparation")
    primary = kedro_project / "data/03_primary/dissimilarity_train"
    first = {path.name: path.read_bytes() for path in (primary / "labels").glob("*.png")}
    assert len(first) == 6 and len(set(first.values())) > 1
    dropped = sorted(first)[::2]
    cityscapes = kedro_project / "data/01_raw/cityscapes"
    for name in dropped:
        for path in cityscapes.rglob(f"{Path(name).stem}_*.png"):
            path.unlink()
    shutil.rmtree(primary)
    run_kedro(kedro_project, "data_preparation")
    again = {path.name: path.read_bytes() for path in (primary / "labels").glob("*.png")}
    assert sorted(again) == sorted(set(first) - set(dropped))
    assert again == {name: first[name] for name in again}
    assert not list((kedro_project / "data").rglob("*.tmp*"))
