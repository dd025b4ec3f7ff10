"""Semantic image synthesis networks (see ``registry`` for the ``synthesise`` contract)."""

from synboost_kedro.models.synthesis.registry import SYNTHESIS_MODELS, create_synthesis_model

__all__ = ["SYNTHESIS_MODELS", "create_synthesis_model"]
