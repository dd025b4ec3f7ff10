"""The interface shared by every synthesis network, so pipelines never depend on its internals."""

from __future__ import annotations

from abc import ABC, abstractmethod

import torch
from torch import nn


class SemanticImageSynthesiser(nn.Module, ABC):
    """A network that re-draws an image from a semantic label map.

    Subclasses implement :meth:`synthesise`; whether they use a noise vector or an image encoder is
    their own business, hidden behind the ``image`` and ``generator`` arguments.
    """

    @abstractmethod
    def synthesise(
        self,
        label_ids: torch.Tensor,
        instance_ids: torch.Tensor | None,
        image: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """Draw an image for each label map.

        Args:
            label_ids: ``[B, H, W]`` long Cityscapes label ids (35 = unknown).
            instance_ids: ``[B, H, W]`` long instance ids, or ``None`` to use the label map (as for
                predicted segmentations, which have no instances).
            image: ``[B, 3, H, W]`` real image in ``[-1, 1]`` for models with a style encoder;
                others ignore it.
            generator: Source of randomness for models that sample noise; without it the output is
                deterministic (the noise mean is used).

        Returns:
            ``[B, 3, H, W]`` image in ``[-1, 1]``.
        """
