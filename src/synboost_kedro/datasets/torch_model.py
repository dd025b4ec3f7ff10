"""A Kedro dataset for the project's torch networks: state dict plus the config that built it.

The file is ``torch.save({"config": {"kind", "architecture", "options"}, "state_dict": ...})`` and
is read back with ``torch.load(weights_only=True)``, so loading never runs pickled code; anything
else (a pickled module, an optimizer dump) is refused with an error naming the file.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from kedro.io.core import AbstractDataset, DatasetError
from torch import nn

from synboost_kedro.models.build_config import build_config_of
from synboost_kedro.models.dissimilarity.factory import create_dissimilarity_model
from synboost_kedro.models.segmentation import create_segmentation_model
from synboost_kedro.models.synthesis import create_synthesis_model
from synboost_kedro.utils import atomic_path

MODEL_FACTORIES: dict[str, Callable[..., nn.Module]] = {
    "segmentation": create_segmentation_model,
    "synthesis": create_synthesis_model,
    "dissimilarity": create_dissimilarity_model,
}


class NotAModelFileError(DatasetError):
    """The file exists but does not hold a ``{"config", "state_dict"}`` model file."""


_CONTENT = (
    'a plain {"config": {"kind", "architecture", "options"}, "state_dict": {name: tensor}} dict'
)


def write_model_file(model: nn.Module, path: str | os.PathLike) -> None:
    """Save ``model``'s build config and state dict to ``path`` atomically."""
    payload = {"config": build_config_of(model), "state_dict": model.state_dict()}
    with atomic_path(path) as tmp:
        torch.save(payload, tmp)


def read_model_file(path: str | os.PathLike, kind: str | None = None) -> nn.Module:
    """Rebuild the network saved in ``path`` by :func:`write_model_file`, in eval mode.

    Args:
        path: The model file.
        kind: ``"segmentation"`` or ``"synthesis"`` to insist on; ``None`` accepts either.

    Raises:
        NotAModelFileError: the file cannot be read safely or is not a config + state dict.
        DatasetError: the file is missing, holds a different kind of network, or its tensors do
            not fit the architecture.
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"Model file '{path}' does not exist")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError) as error:
        raise NotAModelFileError(
            f"'{path}' cannot be read safely (weights_only=True); it must hold {_CONTENT}: {error}"
        ) from None
    config, state_dict = _validated(payload, path)
    if kind is not None and config["kind"] != kind:
        raise DatasetError(f"'{path}' holds a {config['kind']} network, expected {kind}")
    model = MODEL_FACTORIES[config["kind"]](config["architecture"], **config["options"])
    try:
        model.load_state_dict(state_dict, strict=True)
    except RuntimeError as error:
        architecture = f"{config['kind']} architecture '{config['architecture']}'"
        raise DatasetError(f"'{path}' does not fit {architecture}: {error}") from None
    return model.eval()


def _validated(payload: Any, path: Path) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    problem = None
    if not isinstance(payload, dict) or set(payload) != {"config", "state_dict"}:
        problem = "its top level is not a dict of exactly 'config' and 'state_dict'"
    else:
        config, state_dict = payload["config"], payload["state_dict"]
        if not isinstance(config, dict) or not {"kind", "architecture", "options"} <= set(config):
            problem = "'config' lacks 'kind', 'architecture' or 'options'"
        elif config["kind"] not in MODEL_FACTORIES:
            problem = f"unknown kind '{config['kind']}' (expected one of {sorted(MODEL_FACTORIES)})"
        elif not isinstance(config["options"], dict):
            problem = "'config.options' is not a dict"
        elif not isinstance(state_dict, dict) or not all(
            isinstance(name, str) and isinstance(tensor, torch.Tensor)
            for name, tensor in state_dict.items()
        ):
            problem = "'state_dict' is not a mapping of names to tensors"
    if problem:
        raise NotAModelFileError(f"'{path}' must hold {_CONTENT}, but {problem}")
    return payload["config"], payload["state_dict"]


class TorchModelDataset(AbstractDataset[nn.Module, nn.Module]):
    """A segmentation, synthesis or dissimilarity network stored as build config + state dict.

    ``save`` needs a network made by ``create_segmentation_model``, ``create_synthesis_model``
    or ``create_dissimilarity_model`` (it records how it was built); ``load`` rebuilds it
    through the registry, loads the tensors strictly and returns it in eval mode.

    Example catalog entry::

        segmentation_model:
          type: synboost_kedro.datasets.TorchModelDataset
          filepath: data/06_models/segmentation_model.pt
          kind: segmentation

    Args:
        filepath: Local file to read and write.
        kind: ``"segmentation"``, ``"synthesis"`` or ``"dissimilarity"``; loading a file of
            another kind fails.
        metadata: Free-form metadata, ignored by the dataset.
    """

    def __init__(
        self, filepath: str, kind: str | None = None, metadata: dict[str, Any] | None = None
    ) -> None:
        if kind is not None and kind not in MODEL_FACTORIES:
            raise DatasetError(
                f"TorchModelDataset kind must be one of {sorted(MODEL_FACTORIES)}, got '{kind}'"
            )
        self._filepath = Path(filepath)
        self._kind = kind
        self.metadata = metadata

    def load(self) -> nn.Module:
        return read_model_file(self._filepath, self._kind)

    def save(self, data: nn.Module) -> None:
        if self._kind is not None and build_config_of(data)["kind"] != self._kind:
            raise DatasetError(
                f"Cannot save a {build_config_of(data)['kind']} network to the {self._kind} "
                f"model file '{self._filepath}'"
            )
        write_model_file(data, self._filepath)

    def _exists(self) -> bool:
        return self._filepath.is_file()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "kind": self._kind}
