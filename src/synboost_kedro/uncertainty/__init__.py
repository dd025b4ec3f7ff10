"""Uncertainty ("prior") maps of SynBoost: softmax entropy and distance, re-synthesis and perceptual
difference, computed in batches over frames (Kedro-free)."""

from synboost_kedro.uncertainty.config import MapConfig, SynthesisLabels, resolve_device
from synboost_kedro.uncertainty.map_generation import MapModels, MapProducer, compute_maps
from synboost_kedro.uncertainty.softmax_maps import Normalisation, SoftmaxMaps, softmax_uncertainty

__all__ = [
    "MapConfig",
    "MapModels",
    "MapProducer",
    "Normalisation",
    "SoftmaxMaps",
    "SynthesisLabels",
    "compute_maps",
    "resolve_device",
    "softmax_uncertainty",
]
