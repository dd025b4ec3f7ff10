"""The standard anomaly scores of segmentation logits, reported beside SynBoost's
(docs/evaluation.md, "Baselines").

Every score is higher for more anomalous pixels, and none is normalised per image: a benchmark
ranks the pixels of all its images together, so a per-image scale would reorder them.

* ``max_softmax``: 1 − max softmax probability (Hendrycks & Gimpel 2017), computed from the
  other classes' share so confident pixels keep their order instead of all rounding to 0;
* ``max_logit``: −max ℓ (Hendrycks et al. 2022);
* ``energy``: −logsumexp ℓ, the free energy at temperature 1 (Liu et al. 2020);
* ``standardized_max_logit``: −(max ℓ − μ_k) / σ_k, where k is the predicted class and μ_k, σ_k
  are the mean and standard deviation of the max logit over the training pixels predicted as k
  (Jung et al. 2021).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch

from synboost_kedro.cityscapes import NUM_TRAIN_IDS, TRAIN_ID_NAMES
from synboost_kedro.uncertainty.softmax_maps import check_logit_shape
from synboost_kedro.utils.strict_fields import check_known_keys

_ENTRY_KEYS = ("pixels", "mean", "std")


@dataclass(frozen=True)
class MaxLogitStatistics:
    """The max logit's mean and standard deviation over the pixels predicted as each class.

    A class predicted on fewer than two training pixels has no statistics of its own; it takes
    those of all pixels, and its ``pixels`` count says so.

    Attributes:
        pixels: Training pixels predicted as each train id.
        mean: Mean max logit per train id.
        std: Standard deviation (population) of the max logit per train id, positive.
    """

    pixels: tuple[int, ...]
    mean: tuple[float, ...]
    std: tuple[float, ...]

    def __post_init__(self) -> None:
        for name, kind in zip(_ENTRY_KEYS, (int, float, float), strict=True):
            try:
                values = tuple(kind(value) for value in getattr(self, name))
            except (TypeError, ValueError) as error:
                raise ValueError(
                    f"max-logit statistics: '{name}' must be numbers ({error})"
                ) from None
            object.__setattr__(self, name, values)
            if len(values) != NUM_TRAIN_IDS:
                raise ValueError(
                    f"max-logit statistics: '{name}' needs {NUM_TRAIN_IDS} values (one per train "
                    f"id), got {len(values)}"
                )
        if not all(math.isfinite(value) for value in self.mean + self.std):
            raise ValueError("max-logit statistics: every mean and std must be finite")
        if min(self.std) <= 0:
            raise ValueError(f"max-logit statistics: every std must be positive, got {self.std}")

    def classes_without_pixels(self) -> list[int]:
        """Train ids that took the statistics of all pixels (fewer than two of their own)."""
        return [train_id for train_id, count in enumerate(self.pixels) if count < 2]

    def to_json(self) -> dict[str, dict[str, Any]]:
        """``{class name: {"pixels", "mean", "std"}}`` in train-id order: plain data, for a JSON
        file and for jobs handed to other processes."""
        return {
            name: {"pixels": pixels, "mean": mean, "std": std}
            for name, pixels, mean, std in zip(
                TRAIN_ID_NAMES, self.pixels, self.mean, self.std, strict=True
            )
        }

    @classmethod
    def from_json(cls, values: Mapping[str, Mapping[str, Any]]) -> MaxLogitStatistics:
        """Rebuild from :meth:`to_json`.

        Raises:
            ValueError: a class is missing or unknown, or an entry has unknown or missing keys
                or invalid values; the message names them.
        """
        check_known_keys(values, TRAIN_ID_NAMES, "classes of the max-logit statistics")
        missing = [name for name in TRAIN_ID_NAMES if name not in values]
        if missing:
            raise ValueError(f"max-logit statistics lack the classes {missing}")
        columns: dict[str, list[Any]] = {key: [] for key in _ENTRY_KEYS}
        for name in TRAIN_ID_NAMES:
            entry = values[name]
            if not isinstance(entry, Mapping) or set(entry) != set(_ENTRY_KEYS):
                raise ValueError(f"max-logit statistics of '{name}' need {list(_ENTRY_KEYS)}")
            for key in _ENTRY_KEYS:
                columns[key].append(entry[key])
        return cls(**columns)


class MaxLogitAccumulator:
    """Per-class pixel count, sum and sum of squares of the max logit, accumulated in float64."""

    def __init__(self) -> None:
        self._moments = torch.zeros(3, NUM_TRAIN_IDS, dtype=torch.float64)

    def update(self, logits: torch.Tensor) -> None:
        """Add every pixel of ``[B, 19, H, W]`` logits under its predicted class."""
        check_logit_shape(logits)
        max_logit, prediction = logits.float().max(dim=1)
        max_logit = max_logit.flatten().double()
        prediction = prediction.flatten()
        for row, values in enumerate((torch.ones_like(max_logit), max_logit, max_logit**2)):
            self._moments[row] += torch.bincount(
                prediction, weights=values, minlength=NUM_TRAIN_IDS
            ).cpu()

    def statistics(self) -> MaxLogitStatistics:
        """The statistics of the pixels added so far.

        Raises:
            ValueError: no pixel was added.
        """
        count, total, squares = self._moments
        if count.sum() == 0:
            raise ValueError("max-logit statistics need at least one segmented pixel")
        pooled_mean, pooled_std = _mean_std(count.sum(), total.sum(), squares.sum())
        mean, std = _mean_std(count, total, squares)
        own = count >= 2
        mean = torch.where(own, mean, pooled_mean)
        std = torch.where(own & (std > 0), std, pooled_std)
        return MaxLogitStatistics(
            pixels=tuple(int(value) for value in count),
            mean=tuple(mean.tolist()),
            std=tuple(std.clamp_min(torch.finfo(torch.float32).eps).tolist()),
        )


def _mean_std(
    count: torch.Tensor, total: torch.Tensor, squares: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    safe_count = count.clamp_min(1)
    mean = total / safe_count
    variance = (squares / safe_count - mean**2).clamp_min(0)
    return mean, variance.sqrt()


def logit_baselines(
    logits: torch.Tensor, statistics: MaxLogitStatistics
) -> dict[str, torch.Tensor]:
    """The scores of :data:`~synboost_kedro.frames.LOGIT_BASELINES` of ``[B, 19, H, W]`` logits,
    each ``[B, H, W]`` float32.

    Raises:
        ValueError: the logits have the wrong shape or are empty.
    """
    check_logit_shape(logits)
    logits = logits.float()
    max_logit, prediction = logits.max(dim=1)
    # Σ exp(ℓ_c − max ℓ) over every class but the predicted one: 1 − max p = rest / (1 + rest)
    # keeps its precision where max p rounds to 1 (and rest to 0 if added to 1 first).
    relative = torch.exp(logits - max_logit[:, None])
    rest = relative.scatter(1, prediction[:, None], 0.0).sum(dim=1)
    mean, std = (
        torch.tensor(values, dtype=torch.float32, device=logits.device)[prediction]
        for values in (statistics.mean, statistics.std)
    )
    return {
        "max_softmax": rest / (1 + rest),
        "max_logit": -max_logit,
        "energy": -(max_logit + torch.log1p(rest)),
        "standardized_max_logit": (mean - max_logit) / std,
    }
