"""Custom Kedro datasets: Cityscapes splits, anomaly benchmarks and torch models."""

from synboost_kedro.datasets.anomaly import AnomalyBenchmarkDataset
from synboost_kedro.datasets.cityscapes import CityscapesDataset

__all__ = ["AnomalyBenchmarkDataset", "CityscapesDataset"]
