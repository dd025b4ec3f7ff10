"""CC-FPSE (Liu et al. 2019), the semantic image synthesis network of the SynBoost release."""

from synboost_kedro.models.synthesis.ccfpse.encoder import ConvEncoder
from synboost_kedro.models.synthesis.ccfpse.generator import CondConvGenerator
from synboost_kedro.models.synthesis.ccfpse.model import CCFPSE
from synboost_kedro.models.synthesis.ccfpse.original import (
    build_ccfpse,
    from_original_checkpoints,
    load_encoder,
    load_generator,
)
from synboost_kedro.models.synthesis.ccfpse.semantics import build_semantics

__all__ = [
    "CCFPSE",
    "CondConvGenerator",
    "ConvEncoder",
    "build_ccfpse",
    "build_semantics",
    "from_original_checkpoints",
    "load_encoder",
    "load_generator",
]
