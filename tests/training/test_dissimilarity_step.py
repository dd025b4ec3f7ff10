import copy
import logging

import pytest
import torch
from torch import nn

from synboost_kedro.frames import IGNORE
from synboost_kedro.training.dissimilarity_step import TrainingStep, compiled_for_training
from synboost_kedro.utils.compilation import CompiledNetwork
from synboost_kedro.utils.precision import Precision


class PixelClassifier(nn.Module):
    """The dissimilarity network's call signature around one 3x3 convolution."""

    def __init__(self) -> None:
        super().__init__()
        self.head = nn.Conv2d(3 + 3 + 3, 2, 3, padding=1)

    def forward(self, image, synthesis, semantic, *, entropy, mae, distance):
        return self.head(torch.cat([image, synthesis, entropy, mae, distance], dim=1))


def _batch() -> dict[str, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    shape = (2, 1, 8, 16)
    batch = {name: torch.rand(2, 3, 8, 16, generator=generator) for name in ("image", "synthesis")}
    batch |= {name: torch.rand(shape, generator=generator) for name in ("entropy", "mae")}
    batch["distance"] = torch.rand(shape, generator=generator)
    batch["semantic"] = torch.zeros(2, 19, 8, 16)
    batch["label"] = torch.randint(0, 2, (2, 8, 16), generator=generator)
    batch["label"][:, 0] = IGNORE
    return batch


def _step(model: nn.Module, precision: str = "fp32") -> TrainingStep:
    resolved = Precision(precision)
    criterion = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 5.0]), ignore_index=IGNORE)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    return TrainingStep(model, criterion, optimizer, resolved, resolved.grad_scaler())


def _network() -> nn.Module:
    torch.manual_seed(0)
    return PixelClassifier()


def test_a_float32_step_is_the_plain_training_step():
    batch = _batch()
    reference = _network()
    optimizer = torch.optim.SGD(reference.parameters(), lr=0.5)
    inputs = {name: tensor for name, tensor in batch.items() if name != "label"}
    criterion = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 5.0]), ignore_index=IGNORE)
    loss = criterion(reference(**inputs), batch["label"])
    loss.backward()
    optimizer.step()

    model = _network()
    value = _step(model)(batch)

    assert value == loss.item()
    assert torch.equal(model.head.weight, reference.head.weight)


@pytest.mark.parametrize("precision", ["bf16", "fp16"])
def test_mixed_precision_steps_follow_float32_and_keep_float32_weights(precision):
    batch = _batch()
    fp32, mixed = _network(), _network()
    expected = [_step(fp32)(batch) for _ in range(3)]
    step = _step(mixed, precision)
    losses = [step(batch) for _ in range(3)]

    assert mixed.head.weight.dtype == torch.float32
    assert losses == pytest.approx(expected, rel=0.02)
    assert losses != expected


def test_a_compiled_step_trains_as_the_eager_one_and_logs_its_compilation(caplog):
    batch = _batch()
    eager = _network()
    compiled = copy.deepcopy(eager)
    expected = [_step(eager)(batch) for _ in range(3)]
    step = _step(compiled_for_training(compiled, compile_model=True))
    with caplog.at_level(logging.INFO, logger="synboost_kedro.utils.compilation"):
        losses = [step(batch) for _ in range(3)]

    assert isinstance(step.model, CompiledNetwork)
    assert losses == pytest.approx(expected, rel=1e-5)
    torch.testing.assert_close(compiled.head.weight, eager.head.weight)
    assert "torch.compile of the dissimilarity training step: first run" in caplog.text
    assert compiled_for_training(eager, compile_model=False) is eager
