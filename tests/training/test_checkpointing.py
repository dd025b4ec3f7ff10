import logging

import pytest
import torch
from torch import nn

from synboost_kedro.training.checkpointing import (
    STATE_FILE_NAME,
    EpochCheckpointer,
    run_resumable_epochs,
)


def _toy_training(folder, fingerprint=None):
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
    checkpointer = EpochCheckpointer(
        folder, fingerprint or {"lr": 0.1}, {"m": model}, {"o": optimizer}
    )

    def train_one_epoch(epoch):
        # Draws from torch's global generator, as dropout would.
        loss = model(torch.randn(4, 3)).pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return {"loss": loss.item()}

    return model, checkpointer, train_one_epoch


def test_an_interrupted_run_resumes_after_the_last_completed_epoch(tmp_path):
    reference, checkpointer, train = _toy_training(None)
    uninterrupted = run_resumable_epochs(checkpointer, 3, train, "toy")

    model, checkpointer, train = _toy_training(tmp_path)

    def interrupted(epoch):
        if epoch == 2:
            raise KeyboardInterrupt
        return train(epoch)

    with pytest.raises(KeyboardInterrupt):
        run_resumable_epochs(checkpointer, 3, interrupted, "toy")
    calls = []
    model, checkpointer, train = _toy_training(tmp_path)
    history = run_resumable_epochs(
        checkpointer, 3, lambda epoch: calls.append(epoch) or train(epoch), "toy"
    )

    assert calls == [2]
    assert history == uninterrupted
    assert torch.equal(model.weight, reference.weight)


def test_a_state_from_another_configuration_is_ignored(tmp_path, caplog):
    _, checkpointer, train = _toy_training(tmp_path, {"lr": 0.1})
    run_resumable_epochs(checkpointer, 2, train, "toy")
    _, checkpointer, train = _toy_training(tmp_path, {"lr": 0.5})

    with caplog.at_level(logging.WARNING):
        start, history = checkpointer.restore()

    assert (start, history) == (0, [])
    assert "different configuration" in caplog.text


def test_without_a_folder_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _, checkpointer, train = _toy_training(None)

    run_resumable_epochs(checkpointer, 1, train, "toy")

    assert not list(tmp_path.rglob(STATE_FILE_NAME))
