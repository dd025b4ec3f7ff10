"""TorchScript-frozen channels_last copy of a DissimilarityNet, the fastest CPU inference form.

Freezing inlines the weights and lets TorchScript's oneDNN passes fuse convolutions with their
activations and keep tensors in oneDNN's blocked layout between layers, which eager mode cannot.
"""

from __future__ import annotations

import copy
import warnings
from typing import TYPE_CHECKING

import torch
from torch import nn

from synboost_kedro.models.dissimilarity.inputs import require_priors

if TYPE_CHECKING:
    from synboost_kedro.models.dissimilarity.model import DissimilarityNet


class _PositionalForward(nn.Module):
    """torch.jit.trace passes inputs positionally; the network takes its priors by keyword."""

    def __init__(self, model: DissimilarityNet):
        super().__init__()
        self.model = model

    def forward(self, image, synthesis, semantic, *priors):
        named = dict(zip(("entropy", "mae", "distance"), priors, strict=False))
        return self.model(image, synthesis, semantic, **named)


class FrozenDissimilarityNet:
    """Inference-only callable with the signature of :meth:`DissimilarityNet.forward`.

    Later changes to the source network's weights are not seen: freeze again after training.
    Built on TorchScript (``torch.jit.trace``/``freeze``), which PyTorch marks deprecated; if it
    is removed, ``DissimilarityNet.optimize_for_cpu()`` remains the eager fast path.

    Args:
        model: The network to freeze; it is copied, not modified.
        **example: Example keyword inputs of :meth:`DissimilarityNet.forward` used for tracing.
    """

    def __init__(self, model: DissimilarityNet, **example: torch.Tensor):
        self.config = model.config
        self._source = copy.deepcopy(model).eval().optimize_for_cpu()
        inputs = self._positional(**example)
        with torch.no_grad(), warnings.catch_warnings():
            # Shape checks run once while tracing; __call__ repeats them for every input.
            warnings.simplefilter("ignore", torch.jit.TracerWarning)
            # TorchScript is deprecated in favour of torch.compile, whose compile time on a small
            # CPU is minutes; see the class docstring.
            warnings.simplefilter("ignore", FutureWarning)
            wrapper = _PositionalForward(self._source).eval()
            traced = torch.jit.trace(wrapper, inputs, check_trace=False)
            self._module = torch.jit.optimize_for_inference(torch.jit.freeze(traced))

    def _positional(
        self,
        image: torch.Tensor,
        synthesis: torch.Tensor,
        semantic: torch.Tensor,
        *,
        entropy: torch.Tensor | None = None,
        mae: torch.Tensor | None = None,
        distance: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, ...]:
        self._source.check_inputs(image, synthesis, semantic)
        priors = require_priors(entropy, mae, distance) if self.config.prior else ()
        return (image, synthesis, semantic, *priors)

    def __call__(
        self, image: torch.Tensor, synthesis: torch.Tensor, semantic: torch.Tensor, **priors
    ):
        """2-class logits ``[B,2,H,W]``; the priors are keyword arguments as in ``forward``."""
        inputs = self._positional(image, synthesis, semantic, **priors)
        with torch.inference_mode():
            return self._module(*inputs)
