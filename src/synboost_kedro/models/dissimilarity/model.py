"""The SynBoost dissimilarity network: image, semantic and prior encoders, fusion, decoder, head."""

from __future__ import annotations

import os
from functools import partial
from typing import Any

import torch
from torch import nn

from synboost_kedro.models.build_config import attach_build_config
from synboost_kedro.models.dissimilarity.config import DissimilarityConfig
from synboost_kedro.models.dissimilarity.decoder import (
    ConvSelu,
    reduction,
    refinement_block,
    upsample2x,
)
from synboost_kedro.models.dissimilarity.inputs import require_priors, stack_priors
from synboost_kedro.models.dissimilarity.semantic_encoder import SemanticEncoder
from synboost_kedro.models.dissimilarity.spade import HIDDEN_CHANNELS
from synboost_kedro.models.dissimilarity.spade_encoder import SpadeVggEncoder
from synboost_kedro.models.encoders.vgg import VggEncoder

#: Registry kind of the network in model files.
KIND = "dissimilarity"
NUM_CLASSES = 2
SEMANTIC_BASE_CHANNELS = 32
PRIOR_BASE_CHANNELS = 64
NUM_PRIORS = 3
#: Channel of the perceptual difference in the stacked priors [entropy, mae, distance].
MAE_PRIOR = 1
#: Logit scale of the prior path's starting point (perceptual 1 gives odds e², 0 gives e⁻²).
PRIOR_SKIP_GAIN = 2.0
#: Decoder output channels per level, deepest first (after conv1/conv12/conv3/conv5).
DECODER_CHANNELS = (256, 256, 128, 64)


class DissimilarityNet(nn.Module):
    """SynBoost's ``DissimNet`` / ``DissimNetPrior`` in every variant of docs/method.md,
    "Dissimilarity network".

    Encoder: one VGG16 trunk shared by the real and the synthetic image, an optional semantic
    encoder and an optional prior encoder. Fusion per level: concatenation, 1×1 reduction, prior
    gating, correlation channel. Decoder: four conv + refinement (plain or SPADE) stages joined by
    2×2 transposed convolutions and skip connections. Head: 1×1 conv to 2-class logits.

    The layers are direct attributes with the original names and registration order, so
    ``state_dict()`` keys equal those of the original checkpoints and they load with
    ``strict=True``.

    Args:
        config: Architecture options; ``DissimilarityConfig.preset("ours")`` by default.
        vgg_weights_path: Optional local torchvision-format ImageNet state dict of the VGG trunk
            used to initialise the image encoder before training: ``config.architecture``'s, or
            vgg16_bn's whenever SPADE is in the encoder.
    """

    def __init__(
        self,
        config: DissimilarityConfig | None = None,
        vgg_weights_path: str | os.PathLike | None = None,
    ):
        super().__init__()
        self.config = config = config or DissimilarityConfig.preset("ours")
        labels = config.num_semantic_classes
        if config.spade_encoder:
            self.vgg_encoder = SpadeVggEncoder(labels, vgg_weights_path)
        else:
            self.vgg_encoder = VggEncoder(
                config.architecture, vgg_weights_path, config.channel_divisor
            )
        image_channels = self.vgg_encoder.out_channels
        fused_channels = [2 * channels for channels in image_channels]
        if config.semantic:
            self.semantic_encoder = SemanticEncoder(
                labels, config.channels(SEMANTIC_BASE_CHANNELS), config.batch_norm
            )
            fused_channels = [
                fused + semantic
                for fused, semantic in zip(
                    fused_channels, self.semantic_encoder.out_channels, strict=True
                )
            ]
        if config.has_prior_encoder:
            self.prior_encoder = SemanticEncoder(
                NUM_PRIORS, config.channels(PRIOR_BASE_CHANNELS), config.batch_norm
            )
        skip_channels = [channels + int(config.correlation) for channels in image_channels]
        deepest, third, second, first = (config.channels(count) for count in DECODER_CHANNELS)
        refinement = partial(
            refinement_block,
            label_channels=labels,
            spade=config.spade_decoder,
            spade_hidden=config.channels(HIDDEN_CHANNELS),
        )
        self.conv1 = ConvSelu(skip_channels[3], deepest)
        self.conv12 = ConvSelu(deepest + skip_channels[2], third)
        self.conv3 = ConvSelu(third + skip_channels[1], second)
        self.conv5 = ConvSelu(second + skip_channels[0], first)
        self.conv2 = refinement(deepest)
        self.conv13 = refinement(third)
        self.conv4 = refinement(second)
        self.conv6 = refinement(first)
        self.tconv1 = upsample2x(deepest)
        self.tconv3 = upsample2x(third)
        self.tconv2 = upsample2x(second)
        self.conv7 = reduction(fused_channels[3], image_channels[3])
        self.conv8 = reduction(fused_channels[2], image_channels[2])
        self.conv9 = reduction(fused_channels[1], image_channels[1])
        self.conv10 = reduction(fused_channels[0], image_channels[0])
        self.conv11 = nn.Conv2d(first, NUM_CLASSES, kernel_size=1)
        if config.prior_skip:
            self.prior_skip = _perceptual_prior_path()
        self._memory_format = torch.contiguous_format
        options = config.to_dict()
        # Every network carries its build record, so the one model-file format can rebuild it.
        attach_build_config(self, KIND, options.pop("architecture"), options)

    # ----------------------------------------------------------------------------------- building
    @classmethod
    def from_config(
        cls, config: DissimilarityConfig | dict[str, Any], **options: Any
    ) -> DissimilarityNet:
        """Build from a :class:`DissimilarityConfig` or its dict form (e.g. Kedro parameters)."""
        if not isinstance(config, DissimilarityConfig):
            config = DissimilarityConfig.from_dict(config)
        return cls(config, **options)

    def to_config(self) -> dict[str, Any]:
        """The architecture options as a plain dict; ``from_config(to_config())`` rebuilds it."""
        return self.config.to_dict()

    # ------------------------------------------------------------------------------ performance
    def optimize_for_cpu(self) -> DissimilarityNet:
        """Switch to the fastest correct CPU layout (channels_last, oneDNN convolutions).

        Outputs stay equivalent in float32 (max difference ~1e-5 of the largest logit at
        256×512); ``benchmarks/dissimilarity.py`` holds the measurements behind this choice.
        """
        return self.use_channels_last()

    def use_channels_last(self) -> DissimilarityNet:
        """Keep weights and activations channels-last (NHWC), the layout oneDNN and the GPU's
        tensor cores convolve fastest; the weights' values and state-dict keys do not change."""
        self._memory_format = torch.channels_last
        return self.to(memory_format=torch.channels_last)

    # ---------------------------------------------------------------------------------- forward
    def forward(
        self,
        image: torch.Tensor,
        synthesis: torch.Tensor,
        semantic: torch.Tensor,
        *,
        entropy: torch.Tensor | None = None,
        mae: torch.Tensor | None = None,
        distance: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """2-class logits ``[B,2,H,W]`` (channel 1 = anomaly; no softmax).

        Args:
            image: ImageNet-normalised RGB ``[B,3,H,W]``; H and W divisible by 8.
            synthesis: ImageNet-normalised re-synthesised RGB ``[B,3,H,W]``.
            semantic: Semantic one-hot ``[B,num_semantic_classes,H,W]``.
            entropy: Entropy prior ``[B,1,H,W]`` in [0, 1]. The three priors are keyword-only
                (a swapped order would run silently) and required when ``config.prior``.
            mae: Perceptual-difference prior ``[B,1,H,W]`` in [0, 1].
            distance: Softmax-distance prior ``[B,1,H,W]`` in [0, 1].
        """
        self.check_inputs(image, synthesis, semantic)
        image, synthesis, semantic = (
            tensor.contiguous(memory_format=self._memory_format)
            for tensor in (image, synthesis, semantic)
        )
        real, synthetic = self._encode_images(image, synthesis, semantic)
        priors = self._stacked_priors(entropy, mae, distance) if self.config.prior else None
        gates = None if priors is None else self.prior_encoder(priors)
        skips = self._fuse(real, synthetic, semantic, gates)
        logits = self.conv11(self._decode(skips, semantic))
        if self.config.prior_skip:
            logits = logits + self.prior_skip(priors)
        return logits

    def check_inputs(
        self, image: torch.Tensor, synthesis: torch.Tensor, semantic: torch.Tensor
    ) -> None:
        """Raise ValueError naming the first input whose shape the network cannot take."""
        if image.dim() != 4 or image.shape[1] != 3:
            raise ValueError(f"image must be [B,3,H,W], got {tuple(image.shape)}")
        if synthesis.shape != image.shape:
            raise ValueError(
                f"synthesis shape {tuple(synthesis.shape)} != image shape {tuple(image.shape)}"
            )
        expected = (image.shape[0], self.config.num_semantic_classes, *image.shape[2:])
        if tuple(semantic.shape) != expected:
            raise ValueError(f"semantic must be {expected}, got {tuple(semantic.shape)}")
        if image.shape[2] % 8 or image.shape[3] % 8:
            raise ValueError(
                f"image height and width must be divisible by 8, got {tuple(image.shape[2:])}"
            )

    def _encode_images(
        self, image: torch.Tensor, synthesis: torch.Tensor, semantic: torch.Tensor
    ) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        """VGG features of both images with the shared (weight-tied) trunk."""
        if self.training and self.config.batch_norm and not self.config.spade_encoder:
            # Training BatchNorm normalises over the batch: keep the two images in separate calls
            # as the original does, so the statistics (and the trained weights) stay the same.
            return self.vgg_encoder(image), self.vgg_encoder(synthesis)
        pair = torch.cat([image, synthesis])
        if self.config.spade_encoder:
            features = self.vgg_encoder(pair, torch.cat([semantic, semantic]))
        else:
            features = self.vgg_encoder(pair)
        halves = [level.chunk(2) for level in features]
        return [real for real, _ in halves], [synthetic for _, synthetic in halves]

    def _stacked_priors(
        self, entropy: torch.Tensor | None, mae: torch.Tensor | None, distance: torch.Tensor | None
    ) -> torch.Tensor:
        priors = stack_priors(*require_priors(entropy, mae, distance))
        return priors.contiguous(memory_format=self._memory_format)

    def _fuse(
        self,
        real: list[torch.Tensor],
        synthetic: list[torch.Tensor],
        semantic: torch.Tensor,
        gates: list[torch.Tensor] | None,
    ) -> list[torch.Tensor]:
        """Per level: concat → 1×1 reduction → prior gate → correlation channel (shallow first)."""
        levels = [list(pair) for pair in zip(real, synthetic, strict=True)]
        if self.config.semantic:
            for level, encoded in zip(levels, self.semantic_encoder(semantic), strict=True):
                level.append(encoded)
        reductions = (self.conv10, self.conv9, self.conv8, self.conv7)
        skips = [
            reduce(torch.cat(level, dim=1))
            for reduce, level in zip(reductions, levels, strict=True)
        ]
        if gates is not None:
            skips = [skip * gate for skip, gate in zip(skips, gates, strict=True)]
        if self.config.correlation:
            skips = [
                torch.cat([self._correlation(a, b), skip], dim=1)
                for a, b, skip in zip(real, synthetic, skips, strict=True)
            ]
        return skips

    def _correlation(self, real: torch.Tensor, synthetic: torch.Tensor) -> torch.Tensor:
        """Channel-summed product ``[B,1,h,w]`` of raw VGG features (no normalisation)."""
        correlation = (real * synthetic).sum(dim=1, keepdim=True)
        # A one-channel map is ambiguous between layouts and would make torch.cat fall back to
        # NCHW, forcing a copy of every concatenated skip; give it the network's layout explicitly.
        # clone() rather than empty_like().copy_(): ONNX has no symbolic for aten::copy.
        return correlation.clone(memory_format=self._memory_format)

    def _decode(self, skips: list[torch.Tensor], semantic: torch.Tensor) -> torch.Tensor:
        """U-decoder from the deepest skip to full resolution, ``[B,64,H,W]``."""
        first, second, third, deepest = skips
        features = self.conv2(self.conv1(deepest), semantic)
        features = self.tconv1(features)
        features = self.conv13(self.conv12(torch.cat([features, third], dim=1)), semantic)
        features = self.tconv3(features)
        features = self.conv4(self.conv3(torch.cat([features, second], dim=1)), semantic)
        features = self.tconv2(features)
        return self.conv6(self.conv5(torch.cat([features, first], dim=1)), semantic)


def _perceptual_prior_path() -> nn.Conv2d:
    """The 1×1 prior path, started as the perceptual cue: anomaly minus normal logit is
    ``2·PRIOR_SKIP_GAIN·(mae − ½)``, so the untrained head already ranks pixels as the perceptual
    difference does and training learns what the image and its re-synthesis add to it."""
    path = nn.Conv2d(NUM_PRIORS, NUM_CLASSES, kernel_size=1)
    with torch.no_grad():
        path.weight.zero_()
        path.weight[1, MAE_PRIOR] = PRIOR_SKIP_GAIN
        path.weight[0, MAE_PRIOR] = -PRIOR_SKIP_GAIN
        path.bias.copy_(torch.tensor([PRIOR_SKIP_GAIN / 2, -PRIOR_SKIP_GAIN / 2]))
    return path
