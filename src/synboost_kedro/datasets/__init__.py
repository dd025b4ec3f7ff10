"""Custom Kedro datasets: Cityscapes splits, anomaly benchmarks and torch models."""

from synboost_kedro.datasets.anomaly import AnomalyBenchmarkDataset
from synboost_kedro.datasets.cityscapes import CityscapesDataset
from synboost_kedro.datasets.processed import FrameProducer, ProcessedDataset

__all__ = [
    "AnomalyBenchmarkDataset",
    "CityscapesDataset",
    "FrameProducer",
    "ProcessedDataset",
]
