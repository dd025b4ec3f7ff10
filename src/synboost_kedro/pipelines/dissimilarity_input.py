"""The dissimilarity network's input size, set once: the size of the perceptual-difference maps.

The maps are stored at ``uncertainty_maps.perceptual.height`` × ``width``, and the network reads
them there in training, evaluation and inference, so no other parameter repeats the size.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: The parameter that sets the size, for the pipelines' node inputs.
PARAMETER = "params:uncertainty_maps.perceptual"


def dissimilarity_input_size(perceptual: Mapping[str, Any]) -> tuple[int, int]:
    """``(height, width)`` from the ``uncertainty_maps.perceptual`` parameters.

    Raises:
        ValueError: a side is not a positive multiple of 8 (the network downsamples three
            times); the message names the parameter.
    """
    size = []
    for key in ("height", "width"):
        value = perceptual.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 8 or value % 8:
            raise ValueError(
                f"Parameter uncertainty_maps.perceptual.{key} is also the dissimilarity network's "
                f"input size and must be a positive multiple of 8, got {value!r}"
            )
        size.append(value)
    return size[0], size[1]
