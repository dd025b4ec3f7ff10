"""The project's one file format for a network: how it was built, plus its state dict.

The file is ``torch.save({"config": {"kind", "architecture", "options"}, "state_dict": ...})``,
read back through :func:`~synboost_kedro.models.checkpoints.read_checkpoint` (no pickled code)
and rebuilt through :mod:`~synboost_kedro.models.factories`. Pipelines store networks with
``TorchModelDataset``, a thin Kedro wrapper of these two functions; a saved detector is a folder
of three such files.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from synboost_kedro.models.build_config import build_config_of
from synboost_kedro.models.checkpoints import load_strictly, read_checkpoint, read_state_dict
from synboost_kedro.models.factories import MODEL_FACTORIES, create_model
from synboost_kedro.utils import atomic_path

logger = logging.getLogger(__name__)

_CONTENT = (
    'a plain {"config": {"kind", "architecture", "options"}, "state_dict": {name: tensor}} dict'
)


class NotAModelFileError(ValueError):
    """The file can be read safely but does not hold a ``{"config", "state_dict"}`` model file."""


class WrongModelKindError(ValueError):
    """The file holds a network of another kind than the one asked for."""


def write_model_file(model: nn.Module, path: str | os.PathLike) -> None:
    """Save ``model``'s build config and state dict to ``path`` atomically.

    Raises:
        ValueError: ``model`` was not built through the registry, so it could not be rebuilt.
    """
    payload = {"config": build_config_of(model), "state_dict": model.state_dict()}
    with atomic_path(path) as tmp:
        torch.save(payload, tmp)


def read_model_file(path: str | os.PathLike, kind: str | None = None) -> nn.Module:
    """Rebuild the network saved in ``path`` by :func:`write_model_file`, in eval mode.

    Args:
        path: The model file.
        kind: A registry kind to insist on; ``None`` accepts any.

    Raises:
        MissingWeightsError: the file does not exist.
        UnsafeCheckpointError: the file cannot be read without running pickled code.
        NotAModelFileError: the file is not a config + state dict.
        WrongModelKindError: it holds another kind of network.
        CheckpointMismatchError: its tensors do not fit the recorded architecture.
    """
    payload = read_checkpoint(path, "network")
    config, state_dict = _validated(payload, path)
    if kind is not None and config["kind"] != kind:
        raise WrongModelKindError(f"'{path}' holds a {config['kind']} network, expected {kind}")
    model = create_model(config["kind"], config["architecture"], **config["options"])
    load_strictly(model, state_dict, str(path))
    return model.eval()


def _validated(
    payload: Any, path: str | os.PathLike
) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
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


def read_network(path: str | os.PathLike, kind: str, build: Callable[[], nn.Module]) -> nn.Module:
    """The network in ``path``: a model file as it is, any other file as a foreign state dict.

    A foreign file (bare, or the original release's ``{"state_dict": ...}`` container with
    ``DataParallel`` prefixes) is loaded strictly into the network ``build()`` returns, which is
    only called then.

    Raises:
        MissingWeightsError, UnsafeCheckpointError, WrongModelKindError or
        CheckpointMismatchError: as for :func:`read_model_file`, naming the file.
    """
    try:
        return read_model_file(path, kind)
    except NotAModelFileError:
        logger.info("'%s' is not a model file; reading it as a %s state dict", path, kind)
    model = build()
    load_strictly(model, read_state_dict(path, f"{kind} checkpoint"), str(path))
    return model.eval()
