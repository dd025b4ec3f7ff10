"""SynBoost pixel-wise road-anomaly detection as a Kedro project."""

from __future__ import annotations

import importlib
import logging
from typing import Any

__version__ = "0.1.0"

# A library stays silent unless its user configures logging (Kedro does for the pipelines).
logging.getLogger(__name__).addHandler(logging.NullHandler())

# Exported lazily, so ``import synboost_kedro`` (e.g. by the Kedro CLI) does not import torch.
_LAZY_EXPORTS = {
    "AnomalyAnalysis": "synboost_kedro.inference",
    "AnomalyDetector": "synboost_kedro.inference",
    "DetectorSettings": "synboost_kedro.inference",
}

__all__ = ["AnomalyAnalysis", "AnomalyDetector", "DetectorSettings", "__version__"]


def __getattr__(name: str) -> Any:
    if name not in _LAZY_EXPORTS:
        raise AttributeError(f"module 'synboost_kedro' has no attribute '{name}'")
    return getattr(importlib.import_module(_LAZY_EXPORTS[name]), name)
