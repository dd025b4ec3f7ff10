"""Exported networks run by ONNX Runtime behind the torch interfaces the detector calls.

Each wrapper is an ``nn.Module`` without parameters that feeds its tensors to an
``onnxruntime.InferenceSession`` by input name and returns a torch tensor on the CPU, so
:class:`~synboost_kedro.inference.AnomalyDetector` chains ONNX graphs exactly as it chains torch
networks (:meth:`AnomalyDetector.from_onnx`). The graphs are those of :mod:`.interfaces`:

* :class:`OnnxSegmentation`: ``image`` → ``logits``;
* :class:`OnnxSynthesis`: ``label_ids``, ``instance_ids`` [, ``image``] → ``synthesis``,
  deterministic (the export has no random generator, so a per-image style seed is refused);
* :class:`OnnxDissimilarity`: ``image``, ``synthesis``, ``semantic`` [, priors] → ``logits``;
* :class:`OnnxPerceptual`: ``image``, ``synthesis`` → the normalised perceptual difference.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import torch
from torch import nn

from synboost_kedro.export.interfaces import PRIOR_NAMES
from synboost_kedro.models.synthesis import SemanticImageSynthesiser

OnnxSource = onnx.ModelProto | str | os.PathLike
DEFAULT_PROVIDERS = ("CPUExecutionProvider",)
#: numpy dtype of each ONNX Runtime input type the interfaces use.
_INPUT_DTYPES = {"tensor(float)": np.float32, "tensor(int64)": np.int64}


def onnx_session(
    source: OnnxSource,
    *,
    threads: int | None = None,
    providers: Sequence[str] | None = None,
) -> onnxruntime.InferenceSession:
    """An inference session with every graph optimisation, on ``threads`` intra-op threads.

    Args:
        source: An ONNX model, or the path of an ``.onnx`` file.
        threads: Intra-op threads; ``None`` lets ONNX Runtime choose (one per core).
        providers: Execution providers, in order of preference; ``None`` is the CPU one.

    Raises:
        FileNotFoundError: ``source`` is a path to no file.
        ValueError: the file is not a valid ONNX model; the message names it.
    """
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    # The detector runs its networks one after another, never two at once, with torch work in
    # between; idle ORT threads that spin steal those cores from torch and the next session
    # (end to end 0.82 against 0.88 images/s on 2 cores, benchmarks/inference.py).
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    if threads is not None:
        options.intra_op_num_threads = threads
    providers = list(providers or DEFAULT_PROVIDERS)
    if isinstance(source, onnx.ModelProto):
        return onnxruntime.InferenceSession(
            source.SerializeToString(), options, providers=providers
        )
    path = Path(source)
    if not path.is_file():
        raise FileNotFoundError(f"ONNX model file '{path}' does not exist")
    try:
        return onnxruntime.InferenceSession(str(path), options, providers=providers)
    except Exception as error:  # ONNX Runtime raises its own, undocumented error classes
        raise ValueError(f"'{path}' is not a loadable ONNX model: {error}") from error


class OnnxRuntimeNetwork(nn.Module):
    """An ONNX Runtime session called with torch tensors.

    Args:
        session: The session (see :func:`onnx_session`).
        name: Names the network in error messages.
    """

    def __init__(self, session: onnxruntime.InferenceSession, name: str) -> None:
        super().__init__()
        self.session = session
        self.name = name
        self._inputs = {value.name: value for value in session.get_inputs()}

    @property
    def input_names(self) -> tuple[str, ...]:
        """The graph's inputs, in order."""
        return tuple(self._inputs)

    def run(self, **tensors: torch.Tensor | None) -> torch.Tensor:
        """The graph's first output for the named inputs, as a float32 CPU tensor.

        Inputs the graph does not have are dropped when ``None`` (optional priors).

        Raises:
            ValueError: an input of the graph is missing, an extra input is given, or a tensor
                does not fit the graph's fixed sizes; the message names the network and input.
        """
        given = [name for name, value in tensors.items() if value is not None]
        extra = sorted(set(given) - set(self._inputs))
        missing = [name for name in self._inputs if tensors.get(name) is None]
        if missing or extra:
            raise ValueError(
                f"ONNX network '{self.name}' takes inputs {list(self._inputs)}; "
                f"missing {missing}, unexpected {extra}"
            )
        feed = {name: self._array(name, tensors[name]) for name in self._inputs}
        return torch.from_numpy(self.session.run(None, feed)[0])

    def _array(self, name: str, tensor: torch.Tensor) -> np.ndarray:
        graph_input = self._inputs[name]
        fits = len(graph_input.shape) == tensor.dim() and all(
            not isinstance(size, int) or size == actual
            for size, actual in zip(graph_input.shape, tensor.shape, strict=True)
        )
        if not fits:
            raise ValueError(
                f"ONNX network '{self.name}' input '{name}' must have shape "
                f"{list(graph_input.shape)}, got {list(tensor.shape)}"
            )
        if graph_input.type not in _INPUT_DTYPES:
            raise ValueError(
                f"ONNX network '{self.name}' input '{name}' has type {graph_input.type}; "
                f"the exported interfaces use {sorted(_INPUT_DTYPES)}"
            )
        return tensor.detach().cpu().numpy().astype(_INPUT_DTYPES[graph_input.type], copy=False)


class OnnxSegmentation(OnnxRuntimeNetwork):
    """A segmentation graph: ImageNet-normalised ``[B,3,H,W]`` → logits ``[B,C,H,W]``."""

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.run(image=image)


class OnnxPerceptual(OnnxRuntimeNetwork):
    """A perceptual-difference graph: two ImageNet-normalised images → ``[B,1,H,W]`` in [0, 1]."""

    def forward(self, image: torch.Tensor, synthesis: torch.Tensor) -> torch.Tensor:
        return self.run(image=image, synthesis=synthesis)


class OnnxDissimilarity(OnnxRuntimeNetwork):
    """A dissimilarity graph, called like :class:`DissimilarityNet`; priors it lacks are dropped."""

    def forward(
        self,
        image: torch.Tensor,
        synthesis: torch.Tensor,
        semantic: torch.Tensor,
        *,
        entropy: torch.Tensor | None = None,
        mae: torch.Tensor | None = None,
        distance: torch.Tensor | None = None,
    ) -> torch.Tensor:
        priors = dict(zip(PRIOR_NAMES, (entropy, mae, distance), strict=True))
        if not any(name in self.input_names for name in PRIOR_NAMES):
            priors = {}
        return self.run(image=image, synthesis=synthesis, semantic=semantic, **priors)


class OnnxSynthesis(SemanticImageSynthesiser):
    """A synthesis graph behind the :class:`SemanticImageSynthesiser` interface.

    Args:
        network: The session of a graph exported by :func:`.interfaces.synthesis_spec`.
    """

    def __init__(self, network: OnnxRuntimeNetwork) -> None:
        super().__init__()
        self.network = network

    def synthesise(
        self,
        label_ids: torch.Tensor,
        instance_ids: torch.Tensor | None,
        image: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """See :meth:`SemanticImageSynthesiser.synthesise`; always deterministic.

        Raises:
            ValueError: ``generator`` is given: the exported graph cannot sample a style.
        """
        if generator is not None:
            raise ValueError(
                f"ONNX synthesis network '{self.network.name}' is deterministic (exported without "
                "style sampling); it cannot honour a random generator"
            )
        # Predicted label maps carry no instances: the label map stands in, as in torch.
        instance_ids = label_ids if instance_ids is None else instance_ids
        if "image" not in self.network.input_names:
            image = None
        return self.network.run(label_ids=label_ids, instance_ids=instance_ids, image=image)


def onnx_networks(
    segmentation: OnnxSource,
    synthesis: OnnxSource,
    dissimilarity: OnnxSource,
    perceptual: OnnxSource | None = None,
    *,
    threads: int | None = None,
    providers: Sequence[str] | None = None,
) -> dict[str, nn.Module | None]:
    """The detector's networks, by role, each an ONNX Runtime session behind its torch interface.

    ``perceptual`` is ``None`` when not given, so the detector runs that part in torch.
    """

    def network(kind: type[OnnxRuntimeNetwork], source: OnnxSource, name: str) -> nn.Module:
        return kind(onnx_session(source, threads=threads, providers=providers), name)

    return {
        "segmentation": network(OnnxSegmentation, segmentation, "segmentation"),
        "synthesis": OnnxSynthesis(network(OnnxRuntimeNetwork, synthesis, "synthesis")),
        "dissimilarity": network(OnnxDissimilarity, dissimilarity, "dissimilarity"),
        "perceptual": None
        if perceptual is None
        else network(OnnxPerceptual, perceptual, "perceptual"),
    }
