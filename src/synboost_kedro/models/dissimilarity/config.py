"""Architecture options of the dissimilarity network and the two published configurations."""

from __future__ import annotations

import dataclasses
from typing import Any

from synboost_kedro.utils.strict_fields import from_known_fields

ARCHITECTURES = ("vgg16", "vgg16_bn")
SPADE_PLACEMENTS = ("", "encoder", "decoder", "both")
#: Every channel count of the network is a multiple of 16.
CHANNEL_DIVISORS = (1, 2, 4, 8, 16)


@dataclasses.dataclass(frozen=True)
class DissimilarityConfig:
    """Options of the original ``DissimNet`` / ``DissimNetPrior`` constructors (docs/method.md,
    "Dissimilarity network").

    Attributes:
        architecture: VGG trunk, ``"vgg16"`` or ``"vgg16_bn"`` (the latter also adds BatchNorm to
            the semantic and prior encoders). Ignored by the image encoder when SPADE is in the
            encoder, which always uses vgg16_bn convolutions.
        semantic: Encode the 19-channel semantic map and fuse it at every level.
        correlation: Prepend the channel-summed product of the two images' VGG features.
        prior: Gate the fused features with the encoded [entropy, mae, distance] priors.
        spade: Where SPADE layers replace normalisation: ``""``, ``"encoder"``, ``"decoder"`` or
            ``"both"``.
        num_semantic_classes: Channels of the semantic one-hot map.
        unused_prior_encoder: Create the prior encoder although ``prior`` is False. The original
            ``DissimNetPrior`` does this whenever ``semantic`` is True, so its checkpoints trained
            without priors need it to load strictly; it is never run.
        prior_skip: Add a 1×1 convolution of the three priors to the output logits, so the head
            can weigh the uncertainty cues directly instead of only through the gates (not in the
            original; the demo recipe uses it, docs/dissimilarity_training.md).
        channel_divisor: Divides the channels of every layer (VGG trunk, encoders, decoder, SPADE
            hidden layers): same topology and state-dict keys at a fraction of the cost. 1 is
            the original network; the demo trains 4 (16× fewer operations) from scratch.
    """

    architecture: str = "vgg16"
    semantic: bool = True
    correlation: bool = True
    prior: bool = True
    spade: str = "decoder"
    num_semantic_classes: int = 19
    unused_prior_encoder: bool = False
    prior_skip: bool = False
    channel_divisor: int = 1

    def __post_init__(self) -> None:
        if self.channel_divisor not in CHANNEL_DIVISORS:
            raise ValueError(
                f"channel_divisor must be one of {CHANNEL_DIVISORS}, got {self.channel_divisor!r}"
            )
        if self.channel_divisor != 1 and self.spade_encoder:
            raise ValueError("channel_divisor above 1 needs spade '' or 'decoder' (a plain VGG)")
        if self.architecture not in ARCHITECTURES:
            raise ValueError(
                f"architecture must be one of {ARCHITECTURES}, got '{self.architecture}'"
            )
        if self.spade not in SPADE_PLACEMENTS:
            raise ValueError(f"spade must be one of {SPADE_PLACEMENTS}, got '{self.spade}'")
        if self.num_semantic_classes < 1:
            raise ValueError(
                f"num_semantic_classes must be positive, got {self.num_semantic_classes}"
            )
        if self.prior_skip and not self.prior:
            raise ValueError("prior_skip=True requires prior=True (the network must take priors)")
        if self.prior and not self.semantic:
            # The original builds no prior encoder in this case and crashes in forward.
            raise ValueError(
                "prior=True requires semantic=True: the original DissimNetPrior creates its prior "
                "encoder only together with the semantic encoder"
            )
        if self.unused_prior_encoder and (self.prior or not self.semantic):
            raise ValueError(
                "unused_prior_encoder only applies to prior=False with semantic=True "
                "(the layout of an original DissimNetPrior trained without priors)"
            )

    @property
    def has_prior_encoder(self) -> bool:
        """Whether the network holds a prior encoder (used or not)."""
        return self.prior or self.unused_prior_encoder

    @property
    def spade_encoder(self) -> bool:
        """Whether the image encoder is the SPADE-normalised VGG16_bn."""
        return self.spade in ("encoder", "both")

    @property
    def spade_decoder(self) -> bool:
        """Whether the decoder blocks are SPADE blocks."""
        return self.spade in ("decoder", "both")

    def channels(self, count: int) -> int:
        """``count`` channels of the original network, at this network's width."""
        return count // self.channel_divisor

    @property
    def batch_norm(self) -> bool:
        """Whether the semantic and prior encoders use BatchNorm (the original tests for 'bn')."""
        return "bn" in self.architecture

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the options, safe for YAML, JSON and ``torch.load(weights_only=True)``."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, options: dict[str, Any]) -> DissimilarityConfig:
        """Build from a dict such as a Kedro parameters section; unknown keys are an error."""
        return from_known_fields(cls, options, "dissimilarity options")

    @classmethod
    def preset(cls, name: str) -> DissimilarityConfig:
        """A published configuration: ``"ours"`` (DissimNetPrior) or ``"baseline"`` (DissimNet)."""
        try:
            return PRESETS[name]
        except KeyError:
            raise ValueError(
                f"Unknown dissimilarity preset '{name}'; choose one of {sorted(PRESETS)}"
            ) from None


PRESETS: dict[str, DissimilarityConfig] = {
    # configs/test/ours_configuration.yaml == configs/train/default_configuration.yaml
    "ours": DissimilarityConfig(),
    # configs/test/baseline_configuration.yaml
    "baseline": DissimilarityConfig(prior=False, spade=""),
}
