"""Custom Kedro datasets: Cityscapes splits, anomaly benchmarks, processed sets and scores."""

from synboost_kedro.datasets.anomaly import AnomalyBenchmarkDataset
from synboost_kedro.datasets.cityscapes import CityscapesDataset
from synboost_kedro.datasets.processed import ProcessedDataset
from synboost_kedro.datasets.scores import ScoreMapDataset
from synboost_kedro.datasets.torch_model import TorchModelDataset
from synboost_kedro.storage.deferred import FrameProducer

__all__ = [
    "AnomalyBenchmarkDataset",
    "CityscapesDataset",
    "FrameProducer",
    "ProcessedDataset",
    "ScoreMapDataset",
    "TorchModelDataset",
]
