"""A compact SPADE generator: the semantic map, downsampled, is decoded back to an image.

Like SPADE without its VAE, it starts from the label map itself rather than from noise, so the
output is a deterministic function of the semantics; an optional noise input (``noise_channels``)
adds variation when a ``torch.Generator`` is passed and is zero otherwise.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from synboost_kedro.models.synthesis.base import SemanticImageSynthesiser
from synboost_kedro.models.synthesis.inputs import NUM_LABEL_CHANNELS, semantic_input
from synboost_kedro.models.synthesis.registry import SYNTHESIS_MODELS
from synboost_kedro.models.synthesis.spade import SPADEResBlock


class CompactSpadeGenerator(SemanticImageSynthesiser):
    """SPADE residual blocks that upsample from ``H / 2**num_up_layers`` to ``H``.

    Args:
        base_channels: Channels at full resolution; coarser levels double them up to 8x.
        num_up_layers: Number of x2 upsampling steps; ``H`` and ``W`` must be divisible by
            ``2**num_up_layers``.
        hidden_channels: Channels of the SPADE embedding convolutions.
        noise_channels: Channels of per-pixel Gaussian noise fed with the coarsest semantics
            (0 disables it).
        modulation_kernel_size: Kernel of the SPADE scale and shift convolutions.
    """

    def __init__(
        self,
        base_channels: int = 16,
        num_up_layers: int = 4,
        hidden_channels: int = 32,
        noise_channels: int = 0,
        modulation_kernel_size: int = 3,
    ) -> None:
        super().__init__()
        self.num_up_layers = num_up_layers
        self.noise_channels = noise_channels
        semantic_channels = NUM_LABEL_CHANNELS + 1
        widths = [
            base_channels * min(2 ** (num_up_layers - level), 8)
            for level in range(num_up_layers + 1)
        ]
        self.stem = nn.Conv2d(
            semantic_channels + noise_channels, widths[0], kernel_size=3, padding=1
        )
        self.head = SPADEResBlock(
            widths[0], widths[0], semantic_channels, hidden_channels, modulation_kernel_size
        )
        self.up_blocks = nn.ModuleList(
            SPADEResBlock(
                widths[level],
                widths[level + 1],
                semantic_channels,
                hidden_channels,
                modulation_kernel_size,
            )
            for level in range(num_up_layers)
        )
        self.to_rgb = nn.Conv2d(widths[-1], 3, kernel_size=3, padding=1)

    def forward(self, semantics: torch.Tensor, noise: torch.Tensor | None = None) -> torch.Tensor:
        """Map a ``[B, 37, H, W]`` semantic input (see ``inputs.semantic_input``) to an image.

        Args:
            semantics: One-hot label ids plus the instance-edge channel.
            noise: ``[B, noise_channels, H / 2**num_up_layers, W / 2**num_up_layers]``; zeros if
                ``None``.
        """
        height, width = semantics.shape[-2:]
        factor = 2**self.num_up_layers
        if height % factor or width % factor:
            raise ValueError(
                f"synthesis input {height}x{width} must be divisible by 2**num_up_layers = {factor}"
            )
        # Strided slicing is nearest-neighbour downsampling without a copy of the full map.
        coarse = semantics[..., ::factor, ::factor]
        if self.noise_channels:
            if noise is None:
                noise = coarse.new_zeros(coarse.shape[0], self.noise_channels, *coarse.shape[-2:])
            coarse = torch.cat([coarse, noise], dim=1)
        x = self.head(self.stem(coarse), semantics[..., ::factor, ::factor])
        for level, block in enumerate(self.up_blocks, start=1):
            step = factor >> level
            x = block(
                F.interpolate(x, scale_factor=2, mode="nearest"), semantics[..., ::step, ::step]
            )
        return torch.tanh(self.to_rgb(F.leaky_relu(x, 0.2)))

    def synthesise(
        self,
        label_ids: torch.Tensor,
        instance_ids: torch.Tensor | None,
        image: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """See :meth:`SemanticImageSynthesiser.synthesise`; ``image`` is not used."""
        semantics = semantic_input(label_ids, instance_ids)
        noise = None
        if self.noise_channels and generator is not None:
            factor = 2**self.num_up_layers
            shape = (
                label_ids.shape[0],
                self.noise_channels,
                label_ids.shape[1] // factor,
                label_ids.shape[2] // factor,
            )
            noise = torch.randn(shape, generator=generator, device=label_ids.device)
        return self(semantics, noise)


@SYNTHESIS_MODELS.register("spade_compact")
def build_spade_compact(**options) -> CompactSpadeGenerator:
    """Build a :class:`CompactSpadeGenerator`; ``options`` are its constructor arguments."""
    return CompactSpadeGenerator(**options)
