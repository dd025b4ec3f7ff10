import pytest
import torch

from synboost_kedro.models.checkpoints import CheckpointMismatchError
from synboost_kedro.models.model_file import write_model_file
from synboost_kedro.models.segmentation import create_segmentation_model
from synboost_kedro.pipelines.reference_models.nodes import (
    draw_reference_example,
    fit_segmentation_model,
    fit_synthesis_model,
    score_segmentation_model,
    score_synthesis_model,
)
from tests.conftest import make_frame

TINY_SEGMENTER_OPTIONS = {"stage_channels": [4, 8, 8], "decoder_channels": 8, "skip_channels": 4}
TINY_SEGMENTER = {
    "architecture": "compact_deeplab",
    "options": {"compact_deeplab": TINY_SEGMENTER_OPTIONS},
}
TINY_SYNTHESISER = {
    "architecture": "spade_compact",
    "options": {"spade_compact": {"base_channels": 4, "hidden_channels": 4, "num_up_layers": 2}},
}
EVALUATION = {"height": 8, "width": 16, "batch_size": 2}


@pytest.fixture
def frames():
    made = [make_frame(f"testcity_000000_{index:06d}", seed=index) for index in range(3)]
    return {frame.frame_id: (lambda frame=frame: frame) for frame in made}


def _segmentation_params(**overrides):
    training = {
        "seed": 0,
        "epochs": 2,
        "batch_size": 2,
        "learning_rate": 0.01,
        "weight_decay": 0.0,
        "height": 8,
        "width": 16,
        "flip": False,
        "class_weighting": "none",
    }
    params = {
        "checkpoint": None,
        "train": True,
        "resume_dir": None,
        "model": TINY_SEGMENTER,
        "training": training,
        "evaluation": EVALUATION,
    }
    return params | overrides


def _synthesis_params(**overrides):
    training = {
        "seed": 0,
        "epochs": 1,
        "batch_size": 2,
        "learning_rate": 0.01,
        "height": 8,
        "width": 16,
        "flip": False,
        "losses": {"l1": 1.0},
    }
    params = {
        "checkpoint": None,
        "train": True,
        "resume_dir": None,
        "model": TINY_SYNTHESISER,
        "training": training,
        "evaluation": EVALUATION,
    }
    return params | overrides


def test_training_history_is_in_the_mlflow_metrics_history_form(frames):
    _, history = fit_segmentation_model(frames, _segmentation_params())

    assert set(history) == {"loss", "learning_rate"}
    assert [point["step"] for point in history["loss"]] == [0, 1]


def test_a_model_file_checkpoint_is_loaded_instead_of_training(frames, tmp_path):
    trained, _ = fit_segmentation_model(frames, _segmentation_params())
    path = tmp_path / "segmenter.pt"
    write_model_file(trained, path)

    loaded, history = fit_segmentation_model(
        {}, _segmentation_params(checkpoint=str(path), model={"architecture": "unused"})
    )

    assert history == {}
    image = torch.randn(1, 3, 8, 16)
    with torch.no_grad():
        assert torch.equal(loaded(image), trained(image))


def test_a_state_dict_checkpoint_is_loaded_strictly_into_the_configured_model(tmp_path):
    source = create_segmentation_model("compact_deeplab", **TINY_SEGMENTER_OPTIONS)
    path = tmp_path / "release.pth"
    torch.save({"state_dict": {f"module.{k}": v for k, v in source.state_dict().items()}}, path)

    loaded, _ = fit_segmentation_model({}, _segmentation_params(checkpoint=str(path)))

    assert torch.equal(loaded.head.weight, source.head.weight)
    other = {
        "architecture": "compact_deeplab",
        "options": {"compact_deeplab": {"stage_channels": [4, 8, 16]}},
    }
    with pytest.raises(CheckpointMismatchError, match="release.pth"):
        fit_segmentation_model({}, _segmentation_params(checkpoint=str(path), model=other))


def test_without_training_the_model_is_built_from_its_options_alone():
    model, history = fit_synthesis_model({}, _synthesis_params(train=False))

    assert history == {}
    assert model.build_config["architecture"] == "spade_compact"
    assert not model.training


def test_scores_are_mlflow_metrics_with_a_name_per_present_class(frames):
    segmenter, _ = fit_segmentation_model(frames, _segmentation_params())
    synthesiser, _ = fit_synthesis_model(frames, _synthesis_params())

    segmentation = score_segmentation_model(segmenter, frames, _segmentation_params())
    synthesis = score_synthesis_model(synthesiser, frames, _synthesis_params())

    assert set(segmentation) == {"miou", "pixel_accuracy", "iou_road", "iou_sky", "iou_car"}
    assert set(synthesis) == {"l1", "psnr"}
    assert all(metric["step"] == 0 for metric in (*segmentation.values(), *synthesis.values()))


def test_the_example_shows_image_prediction_and_synthesis_per_frame(frames):
    segmenter, _ = fit_segmentation_model(frames, _segmentation_params(train=False))
    synthesiser, _ = fit_synthesis_model(frames, _synthesis_params(train=False))

    example = draw_reference_example(
        segmenter,
        synthesiser,
        frames,
        {"frames": 2},
        segmentation_evaluation={"height": 8, "width": 16, "batch_size": 1},
        synthesis_evaluation={"height": 4, "width": 8, "batch_size": 1},
    )

    assert example.size == (3 * 16, 2 * 8)
    assert example.mode == "RGB"


def test_options_are_chosen_by_architecture_and_a_missing_entry_is_named():
    switched = {**TINY_SEGMENTER, "options": {"spade_compact": {}, **TINY_SEGMENTER["options"]}}
    model, _ = fit_segmentation_model({}, _segmentation_params(train=False, model=switched))
    assert model.build_config["options"] == TINY_SEGMENTER_OPTIONS

    other = {**TINY_SEGMENTER, "architecture": "lraspp_mobilenet_v3"}
    with pytest.raises(ValueError, match="options has no entry for the architecture 'lraspp"):
        fit_segmentation_model({}, _segmentation_params(train=False, model=other))


def test_a_misspelt_key_is_refused_naming_the_closest():
    with pytest.raises(ValueError, match="'epoch' \\(did you mean 'epochs'\\?\\)"):
        training = {**_segmentation_params()["training"], "epoch": 3}
        fit_segmentation_model({}, _segmentation_params(training=training))
