"""The registry of semantic image synthesis architectures, so configuration picks one by name.

Contract every registered synthesis model follows: a method
``synthesise(label_ids, instance_ids, image=None, generator=None)`` taking ``[B, H, W]`` long
Cityscapes label ids (35 = unknown), ``[B, H, W]`` long instance ids and optionally the real
``[B, 3, H, W]`` image in ``[-1, 1]`` (for models with an image encoder), returning a
``[B, 3, H, W]`` image in ``[-1, 1]``. It is deterministic unless a ``torch.Generator`` is
passed, and hides whether the model uses a noise vector or an encoder.
"""

from __future__ import annotations

from typing import Any

from torch import nn

from synboost_kedro.models.build_config import attach_build_config
from synboost_kedro.models.registry import Registry

SYNTHESIS_MODELS = Registry("synthesis")


def create_synthesis_model(architecture: str, **options: Any) -> nn.Module:
    """Build the synthesis network registered as ``architecture`` with ``options``.

    The network remembers how it was built (``build_config``), so it can be saved and rebuilt.
    """
    model = SYNTHESIS_MODELS.create(architecture, **options)
    return attach_build_config(model, "synthesis", architecture, options)
