import pytest
import torch

from synboost_kedro.cityscapes import TRAIN_ID_NAMES
from synboost_kedro.training.segmentation import (
    confusion_matrix,
    evaluate_segmentation,
    inverse_log_frequency_weights,
    iou_scores,
    train_segmentation,
)
from tests.training.conftest import interrupt_after_first_epoch

TINY_MODEL = {
    "architecture": "compact_deeplab",
    "options": {"stage_channels": [8, 8, 16], "decoder_channels": 8, "skip_channels": 4},
}


def _training(**overrides):
    return {
        "seed": 0,
        "epochs": 2,
        "batch_size": 3,
        "learning_rate": 0.01,
        "weight_decay": 0.0,
        "height": 16,
        "width": 32,
        "flip": True,
        "class_weighting": "inverse_log_frequency",
    } | overrides


def test_rare_classes_weigh_more_and_absent_ones_nothing():
    train_ids = torch.tensor([0] * 90 + [13] * 10 + [255] * 50)

    weights = inverse_log_frequency_weights(train_ids)

    assert weights[13] > weights[0] > 0
    assert weights[1] == 0


def test_iou_is_averaged_over_classes_present_in_the_ground_truth():
    target = torch.tensor([0, 0, 0, 13, 13, 255])
    predicted = torch.tensor([0, 0, 13, 13, 2, 0])

    scores = iou_scores(confusion_matrix(predicted, target))

    # road: 2 / (3 + 2 - 2); car: 1 / (2 + 2 - 1); building has no ground truth, so it is left out.
    assert scores["per_class_iou"] == pytest.approx({"road": 2 / 3, "car": 1 / 3})
    assert scores["miou"] == pytest.approx(0.5)
    assert scores["pixel_accuracy"] == pytest.approx(3 / 5)


def test_training_lowers_the_loss_and_evaluation_scores_the_present_classes(
    train_frames, val_frames
):
    model, history = train_segmentation(train_frames, TINY_MODEL, _training(epochs=4))

    scores = evaluate_segmentation(model, val_frames, {"height": 16, "width": 32, "batch_size": 2})

    assert [record["epoch"] for record in history] == [0, 1, 2, 3]
    assert history[-1]["loss"] < history[0]["loss"]
    assert not model.training
    assert set(scores["per_class_iou"]) == {"road", "building", "sky", "car"}
    assert set(scores["per_class_iou"]) <= set(TRAIN_ID_NAMES)


def test_resumed_training_ends_with_the_weights_of_an_uninterrupted_one(
    train_frames, tmp_path, monkeypatch
):
    straight, _ = train_segmentation(train_frames, TINY_MODEL, _training(epochs=2))
    interrupt_after_first_epoch(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        train_segmentation(train_frames, TINY_MODEL, _training(epochs=2), tmp_path)
    monkeypatch.undo()

    resumed, history = train_segmentation(train_frames, TINY_MODEL, _training(epochs=2), tmp_path)

    assert len(history) == 2
    for name, tensor in straight.state_dict().items():
        assert torch.equal(resumed.state_dict()[name], tensor), name


def test_an_unknown_class_weighting_is_refused(train_frames):
    with pytest.raises(ValueError, match="class_weighting"):
        train_segmentation(train_frames, TINY_MODEL, _training(class_weighting="median"))


def test_bf16_training_reaches_the_loss_of_float32(train_frames):
    _, fp32 = train_segmentation(train_frames, TINY_MODEL, _training(epochs=3))
    bf16_settings = _training(epochs=3, precision="bf16")
    model, bf16 = train_segmentation(train_frames, TINY_MODEL, bf16_settings)

    assert [record["loss"] for record in bf16] != [record["loss"] for record in fp32]
    assert bf16[-1]["loss"] == pytest.approx(fp32[-1]["loss"], rel=0.05)
    assert {parameter.dtype for parameter in model.parameters()} == {torch.float32}
