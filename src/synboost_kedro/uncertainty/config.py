"""Settings of uncertainty-map generation, validated once so errors name the parameter."""

from __future__ import annotations

import contextlib
import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch

from synboost_kedro.uncertainty.logit_baselines import MaxLogitStatistics
from synboost_kedro.uncertainty.softmax_maps import Normalisation
from synboost_kedro.utils.device import resolve_device
from synboost_kedro.utils.precision import DEFAULT_PRECISION, Precision, resolve_precision
from synboost_kedro.utils.strict_fields import check_known_keys, from_known_fields

Size = tuple[int, int]

# VGG19's relu5_1 sits behind four 2x poolings: smaller inputs leave it no pixels.
_VGG_MIN_SIDE = 16


class SynthesisLabels(enum.StrEnum):
    """Which label map the synthesis network re-draws the image from."""

    ANNOTATION = "annotation"
    """The frame's own (label-swapped) label ids and original instances: training sets
    (docs/method.md, "Training anomalies by label swapping")."""
    PREDICTION = "prediction"
    """Predicted train ids as label ids, the label map doubling as instance map (docs/method.md,
    "Re-synthesis")."""


#: The keys of the ``uncertainty_maps`` parameters; ``distributed`` is checked by its launcher.
PARAMETER_KEYS = {
    "device": None,
    "batch_size": None,
    "num_workers": None,
    "channels_last": None,
    "precision": None,
    "normalisation": None,
    "segmentation": ("height", "width"),
    "synthesis": ("height", "width", "style_seed"),
    "perceptual": ("height", "width", "architecture", "weights", "seed"),
    "rebuild": None,
    "distributed": None,
}


@dataclass(frozen=True)
class MapConfig:
    """How maps are computed and at which resolutions (``H, W``).

    Attributes:
        segmentation_size: Segmentation input size, and the size of the entropy, distance and
            semantic maps; ``None`` keeps every frame's own size (as the original's data
            preparation does, docs/method.md, "Uncertainty maps").
        synthesis_size: Synthesis input and output size (original: 256×512).
        perceptual_size: Size of the perceptual difference, i.e. the dissimilarity network's
            input (original: 256×512).
        synthesis_labels: Annotated or predicted label map as synthesis input.
        normalisation: Per-image scaling of entropy and distance.
        style_seed: ``None`` synthesises from the style encoder's mean (deterministic); an integer
            samples the style per frame from a generator seeded with it and the frame id, so
            results never depend on batching, order or sharding.
        channels_last: Run the networks in channels-last memory format, which CPU and recent
            GPU convolutions process faster; the maps agree with the default layout up to
            float rounding.
        batch_size: Frames per forward pass.
        num_workers: DataLoader processes decoding and resizing frames (0 = in the main process).
        device: Where the networks run.
        max_logit_statistics: The segmenter's max-logit statistics on its training split; given,
            every frame also gets the scores of the logit baselines
            (:mod:`~synboost_kedro.uncertainty.logit_baselines`).
        precision: What the networks' forward passes compute in, resolved for ``device``:
            ``fp32``, ``bf16`` or ``fp16`` (docs/precision.md). Softmax entropy and distance
            and the perceptual difference's sum stay float32.
    """

    segmentation_size: Size | None
    synthesis_size: Size
    perceptual_size: Size
    synthesis_labels: SynthesisLabels
    normalisation: Normalisation = Normalisation.ORIGINAL
    style_seed: int | None = None
    channels_last: bool = True
    batch_size: int = 1
    num_workers: int = 0
    device: torch.device = torch.device("cpu")
    max_logit_statistics: MaxLogitStatistics | None = None
    precision: str = DEFAULT_PRECISION

    def __post_init__(self) -> None:
        Precision(self.precision, self.device.type)

    def autocast(self) -> contextlib.AbstractContextManager[Any]:
        """Where the networks' forward passes run (see :class:`Precision`)."""
        return Precision(self.precision, self.device.type).autocast()

    def to_json(self) -> dict[str, Any]:
        """These settings as plain data, for a job handed to other processes."""
        values = dataclasses.asdict(self)
        values["synthesis_labels"] = self.synthesis_labels.value
        values["normalisation"] = self.normalisation.value
        values["device"] = str(self.device)
        if self.max_logit_statistics is not None:
            values["max_logit_statistics"] = self.max_logit_statistics.to_json()
        return values

    @classmethod
    def from_json(cls, values: Mapping[str, Any]) -> MapConfig:
        """Rebuild settings written by :meth:`to_json`."""
        values = dict(values)
        for name in ("segmentation_size", "synthesis_size", "perceptual_size"):
            if values[name] is not None:
                values[name] = tuple(values[name])
        values["synthesis_labels"] = SynthesisLabels(values["synthesis_labels"])
        values["normalisation"] = Normalisation(values["normalisation"])
        values["device"] = torch.device(values["device"])
        if values.get("max_logit_statistics") is not None:
            values["max_logit_statistics"] = MaxLogitStatistics.from_json(
                values["max_logit_statistics"]
            )
        return from_known_fields(cls, values, "map settings")

    @classmethod
    def from_params(
        cls, params: Mapping[str, Any], synthesis_labels: SynthesisLabels | str
    ) -> MapConfig:
        """Build from the ``uncertainty_maps`` parameters (parameters_uncertainty_maps.yml).

        Raises:
            ValueError: a parameter is missing or invalid; the message names it.
        """
        check_known_keys(params, PARAMETER_KEYS, "uncertainty_maps parameters")
        device = resolve_device(params.get("device", "auto"), "uncertainty_maps.device")
        segmentation = _section(params, "segmentation")
        native = segmentation.get("height") is None and segmentation.get("width") is None
        return cls(
            segmentation_size=None if native else _size(segmentation, "segmentation"),
            synthesis_size=_size(_section(params, "synthesis"), "synthesis"),
            perceptual_size=_size(
                _section(params, "perceptual"), "perceptual", minimum=_VGG_MIN_SIDE
            ),
            synthesis_labels=SynthesisLabels(synthesis_labels),
            normalisation=_choice(params, "normalisation", Normalisation),
            style_seed=_optional_int(_section(params, "synthesis"), "synthesis", "style_seed"),
            channels_last=_boolean(params, "channels_last", default=True),
            batch_size=_integer(params, "batch_size", minimum=1),
            num_workers=_integer(params, "num_workers", minimum=0),
            device=device,
            precision=resolve_precision(
                params.get("precision", DEFAULT_PRECISION), device, "uncertainty_maps.precision"
            ),
        )


def _section(params: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    section = params.get(key)
    if not isinstance(section, Mapping):
        raise ValueError(f"Parameter uncertainty_maps.{key} must be a mapping, got {section!r}")
    return section


def _integer(params: Mapping[str, Any], key: str, minimum: int, prefix: str = "") -> int:
    value = params.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(
            f"Parameter uncertainty_maps.{prefix}{key} must be an integer >= {minimum}, "
            f"got {value!r}"
        )
    return value


def _boolean(params: Mapping[str, Any], key: str, default: bool) -> bool:
    value = params.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"Parameter uncertainty_maps.{key} must be true or false, got {value!r}")
    return value


def _optional_int(params: Mapping[str, Any], section: str, key: str) -> int | None:
    if params.get(key) is None:
        return None
    return _integer(params, key, minimum=0, prefix=f"{section}.")


def _size(params: Mapping[str, Any], section: str, minimum: int = 1) -> Size:
    return tuple(_integer(params, key, minimum, f"{section}.") for key in ("height", "width"))


def _choice(params: Mapping[str, Any], key: str, choices: type[enum.Enum]) -> Any:
    value = params.get(key, next(iter(choices)).value)
    try:
        return choices(value)
    except ValueError:
        allowed = [choice.value for choice in choices]
        raise ValueError(
            f"Parameter uncertainty_maps.{key} must be one of {allowed}, got {value!r}"
        ) from None
