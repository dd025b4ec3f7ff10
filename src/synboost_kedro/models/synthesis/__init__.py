"""Semantic image synthesis networks (see ``registry`` for the ``synthesise`` contract)."""

# Imported for their registrations.
from synboost_kedro.models.synthesis import spade_generator  # noqa: F401
from synboost_kedro.models.synthesis.base import SemanticImageSynthesiser
from synboost_kedro.models.synthesis.ccfpse import build_semantics, from_original_checkpoints
from synboost_kedro.models.synthesis.registry import SYNTHESIS_MODELS, create_synthesis_model

__all__ = [
    "SYNTHESIS_MODELS",
    "SemanticImageSynthesiser",
    "build_semantics",
    "create_synthesis_model",
    "from_original_checkpoints",
]
