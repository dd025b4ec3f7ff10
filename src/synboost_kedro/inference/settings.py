"""What a detector needs besides its networks: resolutions, fusion, limits and seeds."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from synboost_kedro.scoring import FUSABLE_METHODS, ORIGINAL_FUSION_WEIGHTS
from synboost_kedro.uncertainty import MapConfig, Normalisation, SynthesisLabels
from synboost_kedro.utils import atomic_write_bytes
from synboost_kedro.utils.precision import DEFAULT_PRECISION, check_precision
from synboost_kedro.utils.strict_fields import from_known_fields

Size = tuple[int, int]

#: The settings file of a saved detector; written last, so its presence marks a complete folder.
SETTINGS_FILE = "detector.json"
DEFAULT_MAX_PIXELS = 4096 * 4096


@dataclass(frozen=True)
class DetectorSettings:
    """Resolutions, fusion and limits of a detector; the defaults are the original's.

    Attributes:
        segmentation_size: Segmentation input ``(H, W)``; ``None`` keeps each image's size.
        synthesis_size: Synthesis input and output size.
        dissimilarity_size: Dissimilarity-network input size (multiples of 8), also the size of
            the perceptual difference.
        fusion_weights: Weights of ``dissimilarity``, ``entropy``, ``perceptual`` and ``distance``
            in the final score (the original: 0.75 / 0.25 / 0 / 0).
        normalisation: Per-image scaling of entropy and distance (``original`` for networks
            trained on the original's maps).
        seed: ``None`` draws the synthesis style from the style encoder's mean (deterministic).
            An integer samples it per image from a generator seeded with it and the image's
            name, like the original's VAE sampling but reproducible and independent of batching.
        batch_size: Images per forward pass.
        max_pixels: Largest accepted image (height × width).
        perceptual_weights: Local torchvision state dict of the perceptual difference's VGG;
            ``None`` uses seeded random features (only for tests and smoke runs).
        perceptual_seed: Seed of those random features.
        perceptual_architecture: That VGG, ``"vgg19"`` (the original's) or ``"vgg16"``.
        precision: What the networks compute in: ``"fp32"``, ``"bf16"``, ``"fp16"`` or
            ``"auto"`` (bf16 on a GPU that has it, else fp32), resolved when a detector is
            built on its device. Entropy, distance, softmax and fusion stay float32. Detectors
            saved before the setting existed have none and load as fp32.
        compile: Run the dissimilarity network through ``torch.compile`` (on a CPU it needs a
            C++ compiler); the log reports the compilation time.
    """

    segmentation_size: Size | None = (1024, 2048)
    synthesis_size: Size = (256, 512)
    dissimilarity_size: Size = (256, 512)
    fusion_weights: dict[str, float] = field(default_factory=lambda: dict(ORIGINAL_FUSION_WEIGHTS))
    normalisation: str = Normalisation.ORIGINAL.value
    seed: int | None = None
    batch_size: int = 1
    max_pixels: int = DEFAULT_MAX_PIXELS
    perceptual_weights: str | None = None
    perceptual_seed: int = 0
    perceptual_architecture: str = "vgg19"
    precision: str = DEFAULT_PRECISION
    compile: bool = False

    def __post_init__(self) -> None:
        sizes = {
            "synthesis_size": self.synthesis_size,
            "dissimilarity_size": self.dissimilarity_size,
        }
        if self.segmentation_size is not None:
            sizes["segmentation_size"] = self.segmentation_size
        for name, size in sizes.items():
            if len(size) != 2 or not all(isinstance(side, int) and side > 0 for side in size):
                raise ValueError(f"Detector setting {name} must be (height, width) > 0, got {size}")
            object.__setattr__(self, name, tuple(size))
        if any(side % 8 for side in self.dissimilarity_size):
            raise ValueError(
                f"Detector setting dissimilarity_size must be multiples of 8, "
                f"got {self.dissimilarity_size}"
            )
        unknown = sorted(set(self.fusion_weights) - set(FUSABLE_METHODS))
        if unknown or not any(self.fusion_weights.values()):
            raise ValueError(
                f"Detector setting fusion_weights must weigh some of {FUSABLE_METHODS} "
                f"with a non-zero weight, got {self.fusion_weights}"
            )
        Normalisation(self.normalisation)
        check_precision(self.precision, "Detector setting precision")
        if not isinstance(self.compile, bool):
            raise ValueError(
                f"Detector setting compile must be true or false, got {self.compile!r}"
            )
        for name in ("batch_size", "max_pixels"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(
                    f"Detector setting {name} must be a positive integer, got {value!r}"
                )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict; :meth:`from_dict` rebuilds the settings."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> DetectorSettings:
        """Settings from :meth:`to_dict` output; unknown keys are an error naming them.

        Detectors saved before the perceptual VGG became configurable name its file
        ``vgg19_weights``; they load as VGG19.
        """
        values = dict(values)
        if "vgg19_weights" in values:
            values["perceptual_weights"] = values.pop("vgg19_weights")
        return from_known_fields(cls, values, "detector settings")

    @classmethod
    def from_map_config(cls, maps: MapConfig, **fields: Any) -> DetectorSettings:
        """The settings of networks trained on maps made with ``maps``, plus other ``fields``."""
        return cls(
            segmentation_size=maps.segmentation_size,
            synthesis_size=maps.synthesis_size,
            dissimilarity_size=maps.perceptual_size,
            normalisation=maps.normalisation.value,
            seed=maps.style_seed,
            **fields,
        )

    def write(self, directory: str | os.PathLike) -> None:
        """Write the settings file of a saved detector into ``directory`` atomically."""
        atomic_write_bytes(
            Path(directory) / SETTINGS_FILE, json.dumps(self.to_dict(), indent=2).encode()
        )

    @classmethod
    def read(cls, directory: str | os.PathLike) -> DetectorSettings:
        """The settings of a detector saved in ``directory``.

        Raises:
            FileNotFoundError: ``directory`` holds no complete saved detector.
        """
        path = Path(directory) / SETTINGS_FILE
        if not path.is_file():
            raise FileNotFoundError(
                f"'{directory}' holds no saved anomaly detector (no {SETTINGS_FILE})"
            )
        return cls.from_dict(json.loads(path.read_text()))

    def map_config(self, device: torch.device, precision: str) -> MapConfig:
        """The uncertainty-map settings for predicted labels on ``device``, in ``precision``
        (resolved: ``fp32``, ``bf16`` or ``fp16``)."""
        return MapConfig(
            segmentation_size=self.segmentation_size,
            synthesis_size=self.synthesis_size,
            perceptual_size=self.dissimilarity_size,
            synthesis_labels=SynthesisLabels.PREDICTION,
            normalisation=Normalisation(self.normalisation),
            style_seed=self.seed,
            batch_size=self.batch_size,
            device=device,
            precision=precision,
        )
