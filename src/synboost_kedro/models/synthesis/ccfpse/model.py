"""CC-FPSE as a SynBoost synthesis model: VAE encoder + conditional-convolution generator."""

from __future__ import annotations

import torch

from synboost_kedro.models.synthesis.base import SemanticImageSynthesiser
from synboost_kedro.models.synthesis.ccfpse.encoder import ConvEncoder
from synboost_kedro.models.synthesis.ccfpse.generator import Z_DIM, CondConvGenerator
from synboost_kedro.models.synthesis.ccfpse.semantics import build_semantics


class CCFPSE(SemanticImageSynthesiser):
    """The synthesis network SynBoost ships, following the synthesis registry contract.

    Args:
        generator: The ``CondConvGenerator``.
        encoder: The VAE ``ConvEncoder`` giving the style code from the real image.
    """

    def __init__(self, generator: CondConvGenerator, encoder: ConvEncoder) -> None:
        super().__init__()
        self.generator = generator
        self.encoder = encoder

    def style_code(
        self,
        batch_size: int,
        image: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """The style code ``z`` ``[B, 256]``.

        With an image: the encoder's mean, or ``mu + eps·exp(logvar / 2)`` with ``eps`` drawn from
        ``generator`` (as SynBoost samples). Without an image: the prior's mean (zeros), or a
        draw from N(0, I) with ``generator``.
        """
        device = next(self.parameters()).device
        if image is None:
            mean = torch.zeros(batch_size, Z_DIM, device=device)
            log_variance = torch.zeros_like(mean)
        else:
            mean, log_variance = self.encoder(image)
        if generator is None:
            return mean
        noise = torch.randn(mean.shape, generator=generator, device=generator.device)
        return mean + noise.to(mean.device) * torch.exp(0.5 * log_variance)

    def synthesise(
        self,
        label_ids: torch.Tensor,
        instance_ids: torch.Tensor | None,
        image: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """Synthesise ``[B, 3, H, W]`` in [-1, 1] from ``[B, H, W]`` label and instance ids.

        Args:
            label_ids: Cityscapes label ids (35 = unknown), at the generator's output size.
            instance_ids: Instance ids; ``None`` uses the label ids, as SynBoost does.
            image: The real image in [-1, 1] for the style code; ``None`` uses the prior.
            generator: Random source for sampling the style code; ``None`` is deterministic.
        """
        semantics = build_semantics(label_ids, instance_ids).to(next(self.parameters()).device)
        z = self.style_code(label_ids.shape[0], image, generator)
        return self.generator(semantics, z)

    def forward(
        self,
        label_ids: torch.Tensor,
        instance_ids: torch.Tensor | None,
        image: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        return self.synthesise(label_ids, instance_ids, image, generator)
