import pytest
import torch

from synboost_kedro.models.synthesis import SemanticImageSynthesiser, create_synthesis_model


def _label_maps() -> torch.Tensor:
    return torch.randint(0, 36, (2, 32, 48), generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize(
    "options", [{}, {"noise_channels": 2, "base_channels": 8, "num_up_layers": 2}]
)
def test_synthesis_shape_range_and_gradients(options):
    model = create_synthesis_model("spade_compact", **options)

    image = model.synthesise(_label_maps(), None)
    image.mean().backward()

    assert isinstance(model, SemanticImageSynthesiser)
    assert image.shape == (2, 3, 32, 48)
    assert image.abs().max() <= 1
    assert all(p.grad is not None for p in model.parameters())


def test_synthesis_is_deterministic_without_a_generator_and_seeded_with_one():
    model = create_synthesis_model("spade_compact", noise_channels=2, num_up_layers=2).eval()
    label_ids = _label_maps()

    def sample(seed):
        return model.synthesise(label_ids, None, generator=torch.Generator().manual_seed(seed))

    with torch.no_grad():
        assert torch.equal(model.synthesise(label_ids, None), model.synthesise(label_ids, None))
        assert torch.equal(sample(3), sample(3))
        assert not torch.equal(sample(3), sample(4))


def test_sizes_not_divisible_by_the_upsampling_are_refused():
    model = create_synthesis_model("spade_compact", num_up_layers=4)

    with pytest.raises(ValueError, match="divisible"):
        model.synthesise(torch.zeros(1, 24, 40, dtype=torch.long), None)
