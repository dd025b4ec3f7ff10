"""The everyday commands of ``synboost-kedro`` besides Kedro's ``run``: ``predict`` runs a saved
detector on a folder of images, ``evaluate`` scores anybody's score maps against a labelled
folder. Neither imports Kedro (the package is not named ``cli``: Kedro would load a
``<package>.cli`` module as the project's own ``kedro`` commands)."""

from synboost_kedro.commands.evaluate import evaluate
from synboost_kedro.commands.predict import DEFAULT_MODEL, predict

__all__ = ["DEFAULT_MODEL", "evaluate", "predict"]
