"""Semantic image synthesis networks (see ``registry`` for the ``synthesise`` contract)."""

# Imported for their registrations.
from synboost_kedro.models.synthesis import spade_generator  # noqa: F401
from synboost_kedro.models.synthesis.base import SemanticImageSynthesiser
from synboost_kedro.models.synthesis.registry import SYNTHESIS_MODELS, create_synthesis_model

__all__ = ["SYNTHESIS_MODELS", "SemanticImageSynthesiser", "create_synthesis_model"]
