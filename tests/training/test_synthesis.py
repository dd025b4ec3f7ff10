import pytest
import torch

from synboost_kedro.models.checkpoints import MissingWeightsError
from synboost_kedro.training.synthesis import evaluate_synthesis, train_synthesis
from tests.training.conftest import interrupt_after_first_epoch

TINY_MODEL = {
    "architecture": "spade_compact",
    "options": {"base_channels": 4, "hidden_channels": 4, "num_up_layers": 2},
}


def _training(**overrides):
    return {
        "seed": 0,
        "epochs": 2,
        "batch_size": 3,
        "learning_rate": 0.005,
        "height": 16,
        "width": 32,
        "flip": True,
        "losses": {"l1": 1.0, "pyramid_l1": 1.0, "gradient": 1.0},
    } | overrides


def test_training_lowers_the_loss_and_evaluation_gives_l1_and_psnr(train_frames, val_frames):
    model, history = train_synthesis(train_frames, TINY_MODEL, _training(epochs=4))

    scores = evaluate_synthesis(model, val_frames, {"height": 16, "width": 32, "batch_size": 2})

    assert history[-1]["loss"] < history[0]["loss"]
    assert set(history[0]) == {"epoch", "loss", "l1", "pyramid_l1", "gradient"}
    assert 0 < scores["l1"] < 1 and scores["psnr"] > 0


def test_every_optional_loss_trains_and_is_reported(train_frames):
    losses = {"l1": 1.0, "perceptual": 0.1, "adversarial": 0.1, "feature_matching": 1.0}
    _, history = train_synthesis(
        train_frames,
        TINY_MODEL,
        _training(epochs=1, losses=losses, discriminator={"base_channels": 4, "num_layers": 2}),
    )

    assert set(history[0]) == {"epoch", "loss", "discriminator", *losses}


def test_resumed_training_with_a_discriminator_matches_an_uninterrupted_one(
    train_frames, tmp_path, monkeypatch
):
    config = _training(
        losses={"l1": 1.0, "adversarial": 0.1}, discriminator={"base_channels": 4, "num_layers": 1}
    )
    straight, _ = train_synthesis(train_frames, TINY_MODEL, config)
    interrupt_after_first_epoch(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        train_synthesis(train_frames, TINY_MODEL, config, tmp_path)
    monkeypatch.undo()

    resumed, _ = train_synthesis(train_frames, TINY_MODEL, config, tmp_path)

    for name, tensor in straight.state_dict().items():
        assert torch.equal(resumed.state_dict()[name], tensor), name


def test_a_missing_vgg_file_names_the_file_and_how_to_get_it(train_frames, tmp_path):
    missing = tmp_path / "vgg19_imagenet.pth"
    config = _training(losses={"l1": 1.0, "perceptual": 1.0}, perceptual_vgg_weights=str(missing))

    with pytest.raises(MissingWeightsError) as error:
        train_synthesis(train_frames, TINY_MODEL, config)

    assert str(missing) in str(error.value)
    assert "torchvision.models.vgg19" in str(error.value)


@pytest.mark.parametrize(
    ("losses", "message"),
    [({"l1": 1.0, "styl": 1.0}, "Unknown synthesis loss"), ({"adversarial": 1.0}, "at least one")],
)
def test_bad_loss_weights_are_refused(train_frames, losses, message):
    with pytest.raises(ValueError, match=message):
        train_synthesis(train_frames, TINY_MODEL, _training(losses=losses))


def test_bf16_training_with_a_discriminator_reaches_the_losses_of_float32(train_frames):
    config = _training(
        losses={"l1": 1.0, "adversarial": 0.1, "feature_matching": 1.0},
        discriminator={"base_channels": 4, "num_layers": 1},
    )
    _, fp32 = train_synthesis(train_frames, TINY_MODEL, config)
    model, bf16 = train_synthesis(train_frames, TINY_MODEL, config | {"precision": "bf16"})

    assert bf16 != fp32
    for name in ("l1", "discriminator"):
        assert bf16[-1][name] == pytest.approx(fp32[-1][name], rel=0.05), name
    assert {parameter.dtype for parameter in model.parameters()} == {torch.float32}
