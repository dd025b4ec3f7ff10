"""Settings of a dissimilarity-network training run, validated once so errors name the parameter."""

from __future__ import annotations

import dataclasses
from typing import Any

from synboost_kedro.models.dissimilarity import DissimilarityConfig
from synboost_kedro.scoring import SEMANTIC_SOURCES
from synboost_kedro.training.class_weights import ENET_OFFSET
from synboost_kedro.utils.device import resolve_device
from synboost_kedro.utils.precision import (
    DEFAULT_PRECISION,
    resolve_precision,
    without_default_precision,
)
from synboost_kedro.utils.strict_fields import from_known_fields

SELECTION_METRICS = ("average_precision", "loss")
#: Settings that do not change the trained weights, so a run may resume when only they differ.
_NOT_IN_FINGERPRINT = ("epochs", "num_workers", "resume_dir", "compile")


@dataclasses.dataclass(frozen=True)
class DissimilarityTrainingConfig:
    """Settings of one training run (the ``dissimilarity_training`` parameters).

    Attributes:
        epochs: Number of epochs; raising it and re-running continues a finished run.
        frames_per_epoch: Training frames per epoch (validation and checkpoint follow each);
            ``None`` is one pass over the training set. Fewer than that validates more often,
            which matters when the best step comes early.
        batch_size: Frames per optimisation step.
        height: Network input height (every map is NEAREST-resized to it); divisible by 8.
        width: Network input width; divisible by 8.
        variant: Published architecture preset, ``"ours"`` or ``"baseline"``.
        architecture: ``DissimilarityConfig`` fields overriding the preset (e.g. ``spade: both``).
        vgg_weights_path: Local ImageNet weights of the VGG16 trunk; ``None`` starts from random.
        learning_rate: Adam learning rate.
        adam_beta1: Adam's first beta.
        adam_beta2: Adam's second beta.
        weight_decay: Adam weight decay.
        plateau_factor: ``ReduceLROnPlateau`` factor, applied on the validation loss.
        plateau_patience: ``ReduceLROnPlateau`` patience in epochs.
        flip: Random horizontal flips of the training frames.
        class_weight_offset: The ENet constant of ``1 / ln(offset + f)``.
        semantic_source: ``"swapped_labels"`` (the original recipe) or ``"prediction"``.
        selection_metric: ``"average_precision"`` (ties broken by loss) or ``"loss"``.
        seed: Seed of the initialisation, the shuffling and the flips.
        ema_decay: Validate and keep an exponential moving average of the weights, updated after
            every step with this decay; ``None`` uses the weights as trained. On small data the
            weights swing from step to step, and the average is what generalises.
        device: ``"auto"`` (CUDA when available), ``"cpu"``, ``"cuda"`` or ``"cuda:<n>"``.
        precision: ``"fp32"``, ``"bf16"``, ``"fp16"`` (with loss scaling) or ``"auto"`` (bf16 on
            a GPU that has it, else fp32) for the network's forward passes; the loss, the
            validation softmax and AP stay float32 (docs/precision.md).
        compile: Run the training steps through ``torch.compile``; the log reports the time
            compiling took. On a CPU it needs a C++ compiler.
        num_workers: DataLoader worker processes (0 loads in the training process).
        resume_dir: Folder of the resumable training state; ``None`` disables resuming.
    """

    epochs: int = 50
    frames_per_epoch: int | None = None
    batch_size: int = 4
    height: int = 256
    width: int = 512
    variant: str = "ours"
    architecture: dict[str, Any] = dataclasses.field(default_factory=dict)
    vgg_weights_path: str | None = None
    learning_rate: float = 1e-4
    adam_beta1: float = 0.5
    adam_beta2: float = 0.999
    weight_decay: float = 0.0
    plateau_factor: float = 0.5
    plateau_patience: int = 10
    flip: bool = True
    class_weight_offset: float = ENET_OFFSET
    semantic_source: str = "swapped_labels"
    selection_metric: str = "average_precision"
    seed: int = 3
    ema_decay: float | None = None
    device: str = "auto"
    precision: str = DEFAULT_PRECISION
    compile: bool = False
    num_workers: int = 0
    resume_dir: str | None = None

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size", "height", "width"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(
                    f"dissimilarity_training.{name} must be a positive integer, got {value!r}"
                )
        for name in ("height", "width"):
            if getattr(self, name) % 8:
                raise ValueError(
                    f"dissimilarity_training.{name} must be divisible by 8 (the network "
                    f"downsamples three times), got {getattr(self, name)}"
                )
        if self.frames_per_epoch is not None and (
            not isinstance(self.frames_per_epoch, int) or self.frames_per_epoch < 1
        ):
            raise ValueError(
                "dissimilarity_training.frames_per_epoch must be a positive integer or null, "
                f"got {self.frames_per_epoch!r}"
            )
        if self.ema_decay is not None and not 0 < self.ema_decay < 1:
            raise ValueError(
                f"dissimilarity_training.ema_decay must be in (0, 1) or null, got {self.ema_decay}"
            )
        if not isinstance(self.num_workers, int) or self.num_workers < 0:
            raise ValueError(
                f"dissimilarity_training.num_workers must be >= 0, got {self.num_workers!r}"
            )
        if self.semantic_source not in SEMANTIC_SOURCES:
            raise ValueError(
                f"dissimilarity_training.semantic_source must be one of {SEMANTIC_SOURCES}, "
                f"got '{self.semantic_source}'"
            )
        if self.selection_metric not in SELECTION_METRICS:
            raise ValueError(
                f"dissimilarity_training.selection_metric must be one of {SELECTION_METRICS}, "
                f"got '{self.selection_metric}'"
            )
        if not isinstance(self.compile, bool):
            raise ValueError(
                f"dissimilarity_training.compile must be true or false, got {self.compile!r}"
            )
        device = resolve_device(self.device, "dissimilarity_training.device")
        resolve_precision(self.precision, device, "dissimilarity_training.precision")
        self.network_config()

    @classmethod
    def from_dict(cls, params: dict[str, Any]) -> DissimilarityTrainingConfig:
        """Build from the ``dissimilarity_training`` parameters; unknown keys are an error."""
        return from_known_fields(cls, params, "dissimilarity_training parameters")

    def network_config(self) -> DissimilarityConfig:
        """The architecture: the ``variant`` preset with the ``architecture`` overrides."""
        preset = DissimilarityConfig.preset(self.variant).to_dict()
        return DissimilarityConfig.from_dict({**preset, **(self.architecture or {})})

    def fingerprint(self, precision: str) -> dict[str, Any]:
        """The settings that determine the trained weights (see ``EpochCheckpointer``), with the
        ``precision`` resolved for the device (which ``auto`` alone does not say)."""
        settings = {**dataclasses.asdict(self), "precision": precision}
        return without_default_precision(
            {key: value for key, value in settings.items() if key not in _NOT_IN_FINGERPRINT}
        )
