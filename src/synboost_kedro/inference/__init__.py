"""The inference API on top of the library: run a trained detector on images, save and load it."""

from synboost_kedro.inference.analysis import AnomalyAnalysis
from synboost_kedro.inference.detector import AnomalyDetector
from synboost_kedro.inference.original_release import ORIGINAL_BASELINE_FUSION, ORIGINAL_RECIPE
from synboost_kedro.inference.saved import MLFLOW_MODEL_NAME, MODEL_FILES
from synboost_kedro.inference.settings import SETTINGS_FILE, DetectorSettings

__all__ = [
    "MLFLOW_MODEL_NAME",
    "MODEL_FILES",
    "ORIGINAL_BASELINE_FUSION",
    "ORIGINAL_RECIPE",
    "SETTINGS_FILE",
    "AnomalyAnalysis",
    "AnomalyDetector",
    "DetectorSettings",
]
