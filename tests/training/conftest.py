import numpy as np
import pytest

from synboost_kedro.cityscapes import LABEL_COLOURS
from synboost_kedro.frames import CityscapesFrame
from synboost_kedro.training.checkpointing import EpochCheckpointer

ROAD, BUILDING, SKY, CAR = 7, 11, 23, 26


def make_frame(frame_id: str, seed: int, height: int = 24, width: int = 48) -> CityscapesFrame:
    """A toy street: sky over building over road, with one car whose colour gives it away."""
    rng = np.random.default_rng(seed)
    label_ids = np.full((height, width), ROAD, dtype=np.uint8)
    horizon = height // 2 + int(rng.integers(-2, 3))
    label_ids[: horizon // 2] = SKY
    label_ids[horizon // 2 : horizon] = BUILDING
    left = int(rng.integers(0, width - 12))
    label_ids[horizon - 3 : horizon + 4, left : left + 10] = CAR
    instance_ids = label_ids.astype(np.int32)
    instance_ids[label_ids == CAR] = CAR * 1000
    noise = rng.integers(-12, 13, size=(height, width, 3))
    image = np.clip(LABEL_COLOURS[label_ids].astype(int) + noise, 0, 255).astype(np.uint8)
    return CityscapesFrame(frame_id, image, label_ids, instance_ids)


def as_loaders(frames: list[CityscapesFrame]) -> dict:
    return {frame.frame_id: (lambda frame=frame: frame) for frame in frames}


@pytest.fixture
def train_frames() -> dict:
    return as_loaders([make_frame(f"toy_000000_{i:06d}", seed=i) for i in range(6)])


@pytest.fixture
def val_frames() -> dict:
    return as_loaders([make_frame(f"toyval_000000_{i:06d}", seed=100 + i) for i in range(2)])


def interrupt_after_first_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make training stop like a Ctrl-C right after the state of epoch 1 is saved."""
    save = EpochCheckpointer.save

    def save_then_interrupt(self, completed_epochs, history):
        save(self, completed_epochs, history)
        if completed_epochs == 1:
            raise KeyboardInterrupt

    monkeypatch.setattr(EpochCheckpointer, "save", save_then_interrupt)
