import dataclasses
from pathlib import Path

import numpy as np
import pytest
import torch

from synboost_kedro.models.dissimilarity import random_inputs
from synboost_kedro.models.model_file import read_model_file, write_model_file
from synboost_kedro.training.checkpointing import STATE_FILE_NAME
from synboost_kedro.training.dissimilarity import (
    DissimilarityTrainingConfig,
    TrainingResult,
    is_better,
    train_dissimilarity,
)
from synboost_kedro.training.dissimilarity_data import DissimilarityDataset
from tests.conftest import torch_threads, write_processed_set

HEIGHT, WIDTH = 16, 32
WEIGHTS = np.array([1.5, 10.0])


class Interrupted(Exception):
    """Stands in for the process being killed."""


def tiny_config(**overrides) -> DissimilarityTrainingConfig:
    settings = {
        "epochs": 2,
        "batch_size": 2,
        "height": HEIGHT,
        "width": WIDTH,
        "device": "cpu",
        "seed": 5,
    }
    return DissimilarityTrainingConfig(**{**settings, **overrides})


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Two threads spin against each other on this shared 2-core machine; one is faster here."""
    with torch_threads(1):
        yield


@pytest.fixture(scope="module")
def tiny_sets(tmp_path_factory) -> dict[str, tuple[dict, dict]]:
    root = tmp_path_factory.mktemp("sets")
    return {
        name: tuple(dataset.load() for dataset in write_processed_set(root, name, count, seed=seed))
        for name, count, seed in (("train", 4, 0), ("val", 2, 1))
    }


def make_datasets(tiny_sets, fail_on_load: int | None = None):
    """Train and val datasets; the train maps raise on their ``fail_on_load``-th load."""
    frames, maps = tiny_sets["train"]
    if fail_on_load is not None:
        loads = {"count": 0}

        def failing(loader):
            def load():
                loads["count"] += 1
                if loads["count"] == fail_on_load:
                    raise Interrupted
                return loader()

            return load

        maps = {frame_id: failing(loader) for frame_id, loader in maps.items()}
    return (
        DissimilarityDataset(frames, maps, HEIGHT, WIDTH, "train"),
        DissimilarityDataset(*tiny_sets["val"], HEIGHT, WIDTH, "val"),
    )


def saved_state(folder: Path) -> dict:
    return torch.load(folder / STATE_FILE_NAME, weights_only=True)


@pytest.fixture(scope="module")
def straight_run(tiny_sets, tmp_path_factory) -> tuple[TrainingResult, Path]:
    """Two epochs without interruption, and the folder of their training state."""
    folder = tmp_path_factory.mktemp("straight")
    result = train_dissimilarity(
        tiny_config(resume_dir=str(folder)), *make_datasets(tiny_sets), WEIGHTS
    )
    return result, folder


def test_resumed_run_ends_with_the_weights_of_an_uninterrupted_run(
    tiny_sets, straight_run, tmp_path: Path
):
    straight, straight_dir = straight_run
    resumed_dir = tmp_path / "resumed"
    # 4 training frames per epoch: the 6th load is the second frame of epoch 2.
    with pytest.raises(Interrupted):
        train_dissimilarity(
            tiny_config(resume_dir=str(resumed_dir)), *make_datasets(tiny_sets, 6), WEIGHTS
        )
    assert saved_state(resumed_dir)["epoch"] == 1
    resumed = train_dissimilarity(
        tiny_config(resume_dir=str(resumed_dir)), *make_datasets(tiny_sets), WEIGHTS
    )

    assert resumed.history == straight.history
    assert resumed.best_epoch == straight.best_epoch
    final = saved_state(resumed_dir)["modules"]
    reference = saved_state(straight_dir)["modules"]
    for module in ("model", "best_model"):
        for key, tensor in reference[module].items():
            assert torch.equal(final[module][key], tensor), f"{module}.{key} differs"
    for key, tensor in straight.model.state_dict().items():
        assert torch.equal(resumed.model.state_dict()[key], tensor)


def test_history_records_every_epoch_and_the_best_model_is_returned(straight_run):
    result, _ = straight_run

    assert [record["epoch"] for record in result.history] == [1, 2]
    for record in result.history:
        assert np.isfinite(record["train_loss"]) and np.isfinite(record["val_loss"])
        assert 0 < record["val_average_precision"] <= 1
        assert record["learning_rate"] == pytest.approx(1e-4)
    best = max(result.history, key=lambda record: record["val_average_precision"])
    assert result.best_epoch == best["epoch"]
    assert not result.model.training
    assert result.model.build_config["kind"] == "dissimilarity"


def test_a_finished_state_is_returned_without_training(tiny_sets, straight_run, caplog):
    straight, straight_dir = straight_run

    again = train_dissimilarity(
        tiny_config(resume_dir=str(straight_dir)), *make_datasets(tiny_sets, 1), WEIGHTS
    )

    assert again.history == straight.history
    assert "returning their best model without training" in caplog.text


def test_a_state_of_another_configuration_is_not_resumed(tiny_sets, tmp_path: Path):
    folder = str(tmp_path / "state")
    train_dissimilarity(
        tiny_config(epochs=1, resume_dir=folder), *make_datasets(tiny_sets), WEIGHTS
    )

    rerun = train_dissimilarity(
        tiny_config(epochs=1, seed=6, resume_dir=folder), *make_datasets(tiny_sets), WEIGHTS
    )

    assert saved_state(tmp_path / "state")["fingerprint"]["seed"] == 6
    assert len(rerun.history) == 1


def test_selection_prefers_ap_then_loss():
    best = {"val_average_precision": 0.5, "val_loss": 1.0}

    assert is_better({"val_average_precision": 0.6, "val_loss": 2.0}, best, "average_precision")
    assert not is_better({"val_average_precision": 0.4, "val_loss": 0.1}, best, "average_precision")
    assert is_better({"val_average_precision": 0.5, "val_loss": 0.9}, best, "average_precision")
    assert is_better({"val_average_precision": 0.4, "val_loss": 0.9}, best, "loss")


def test_validation_without_anomalies_fails_before_training(tiny_sets):
    frames, maps = tiny_sets["val"]
    normal_only = {
        frame_id: (
            lambda load=load: type(load())(
                **{**load().__dict__, "label": np.zeros_like(load().label)}
            )
        )
        for frame_id, load in frames.items()
    }
    train_set, _ = make_datasets(tiny_sets)
    val_set = DissimilarityDataset(normal_only, maps, HEIGHT, WIDTH, "val")

    with pytest.raises(ValueError, match="selection_metric to 'loss'"):
        train_dissimilarity(tiny_config(), train_set, val_set, WEIGHTS)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"height": 20}, "divisible by 8"),
        ({"epochs": 0}, "epochs must be a positive integer"),
        ({"device": "tpu"}, "device must be"),
        ({"selection_metric": "auroc"}, "selection_metric must be"),
        ({"variant": "mine"}, "Unknown dissimilarity preset"),
        ({"architecture": {"spade": "middle"}}, "spade must be"),
        ({"ema_decay": 1.0}, "ema_decay must be in"),
        ({"frames_per_epoch": 0}, "frames_per_epoch must be a positive integer"),
        ({"architecture": {"channel_divisor": 3}}, "channel_divisor must be one of"),
        ({"precision": "half"}, "dissimilarity_training.precision must be one of"),
        ({"compile": "yes"}, "dissimilarity_training.compile must be true or false"),
    ],
)
def test_bad_settings_name_the_parameter(overrides, message):
    with pytest.raises(ValueError, match=message):
        tiny_config(**overrides)


def test_unknown_parameters_are_rejected():
    with pytest.raises(ValueError, match=r"Unknown dissimilarity_training parameters: 'lr'"):
        DissimilarityTrainingConfig.from_dict({"lr": 0.1})


def test_weight_average_is_validated_kept_and_resumed_exactly(tiny_sets, tmp_path: Path):
    config = tiny_config(ema_decay=0.5, architecture={"channel_divisor": 8})
    straight = train_dissimilarity(
        dataclasses.replace(config, resume_dir=str(tmp_path / "a")),
        *make_datasets(tiny_sets),
        WEIGHTS,
    )
    state = saved_state(tmp_path / "a")["modules"]
    averaged = {
        key.removeprefix("module."): value for key, value in state["weight_average"].items()
    }
    trained = state["model"]
    # The kept network is an average, not the last weights, and it is what validation scored.
    assert any(not torch.equal(averaged[key], trained[key]) for key in trained)
    one_epoch = train_dissimilarity(
        dataclasses.replace(config, epochs=1, resume_dir=str(tmp_path / "c")),
        *make_datasets(tiny_sets),
        WEIGHTS,
    )
    first = saved_state(tmp_path / "c")["modules"]["weight_average"]
    for key, tensor in one_epoch.model.state_dict().items():
        assert torch.equal(tensor, first[f"module.{key}"]), key

    resumed_dir = str(tmp_path / "b")
    resumable = dataclasses.replace(config, resume_dir=resumed_dir)
    with pytest.raises(Interrupted):
        train_dissimilarity(resumable, *make_datasets(tiny_sets, 6), WEIGHTS)
    resumed = train_dissimilarity(resumable, *make_datasets(tiny_sets), WEIGHTS)

    assert resumed.history == straight.history
    for key, tensor in straight.model.state_dict().items():
        assert torch.equal(resumed.model.state_dict()[key], tensor), key


#: A two-epoch bf16 run ends with training and validation losses within this fraction of
#: float32's (measured: 0.1 % and 0.8 % on a CPU with native bfloat16).
BF16_LOSS_TOLERANCE = 0.03


@pytest.fixture(scope="module")
def bf16_run(tiny_sets) -> TrainingResult:
    return train_dissimilarity(tiny_config(precision="bf16"), *make_datasets(tiny_sets), WEIGHTS)


def test_a_short_bf16_run_reaches_the_losses_of_float32(straight_run, bf16_run):
    fp32, _ = straight_run

    assert bf16_run.history != fp32.history  # the network did run in bfloat16
    for name in ("train_loss", "val_loss"):
        expected = fp32.history[-1][name]
        assert bf16_run.history[-1][name] == pytest.approx(expected, rel=BF16_LOSS_TOLERANCE)


def test_a_network_trained_in_bf16_is_saved_and_loaded_in_float32(bf16_run, tmp_path: Path):
    path = tmp_path / "dissimilarity_model.pt"
    write_model_file(bf16_run.model, path)
    payload = torch.load(path, weights_only=True)
    loaded = read_model_file(path, "dissimilarity")
    inputs = random_inputs(batch=1, height=HEIGHT, width=WIDTH)

    assert set(payload) == {"config", "state_dict"}
    assert {tensor.dtype for tensor in payload["state_dict"].values()} <= {
        torch.float32,
        torch.int64,  # BatchNorm's num_batches_tracked
    }
    with torch.no_grad():
        assert torch.equal(loaded(**inputs), bf16_run.model(**inputs))


def test_fp16_resumes_its_loss_scaler_and_float32_states_keep_their_layout(
    tiny_sets, straight_run, tmp_path: Path
):
    _, fp32_dir = straight_run
    fp32_state = saved_state(fp32_dir)
    # Exactly what states written before the precision setting hold, so they still resume.
    assert "precision" not in fp32_state["fingerprint"]
    assert set(fp32_state["optimizers"]) == {"optimizer", "scheduler"}

    config = tiny_config(epochs=1, precision="fp16", architecture={"channel_divisor": 8})
    train_dissimilarity(
        dataclasses.replace(config, resume_dir=str(tmp_path)), *make_datasets(tiny_sets), WEIGHTS
    )
    state = saved_state(tmp_path)

    assert state["fingerprint"]["precision"] == "fp16"
    assert 0 < state["optimizers"]["grad_scaler"]["scale"] <= 2.0**16
