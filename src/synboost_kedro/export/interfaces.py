"""The plain tensor interface each kind of network is exported with.

* segmentation: ``image`` ``[B,3,H,W]`` (ImageNet-normalised) → ``logits`` ``[B,C,H,W]``;
* synthesis: ``label_ids`` and ``instance_ids`` ``[B,H,W]`` int64 (plus the style ``image``
  ``[B,3,H,W]`` in [-1, 1] for CC-FPSE) → ``synthesis`` ``[B,3,H,W]`` in [-1, 1], on the
  deterministic path (no sampling: CC-FPSE uses the encoder's mean style code);
* dissimilarity: ``image``, ``synthesis``, ``semantic`` (plus ``entropy``, ``mae`` and
  ``distance`` when the network uses priors) → ``logits`` ``[B,2,H,W]``;
* perceptual difference (not trained, so not in :data:`SPEC_BUILDERS`): ``image`` and
  ``synthesis`` ``[B,3,H,W]`` (ImageNet-normalised) → ``perceptual`` ``[B,1,H,W]`` in [0, 1].

Batch, height and width are dynamic except for CC-FPSE, whose latent grid fixes its output size.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from synboost_kedro.export.onnx_export import OnnxExportSpec, TensorSpec
from synboost_kedro.models.dissimilarity import DissimilarityNet, semantic_one_hot
from synboost_kedro.models.perceptual import PerceptualDifference
from synboost_kedro.models.synthesis import SemanticImageSynthesiser
from synboost_kedro.models.synthesis.ccfpse import CCFPSE
from synboost_kedro.models.synthesis.inputs import NUM_LABEL_CHANNELS

PRIOR_NAMES = ("entropy", "mae", "distance")
#: Distinct instance ids drawn for random instance maps: few, so instance edges stay sparse.
_RANDOM_INSTANCES = 4
_IMAGE = ("batch", 3, "height", "width")
_MAP = ("batch", 1, "height", "width")


def _normal(shape: tuple[int, ...], generator: torch.Generator) -> torch.Tensor:
    return torch.randn(shape, generator=generator)


def _unit(shape: tuple[int, ...], generator: torch.Generator) -> torch.Tensor:
    return torch.rand(shape, generator=generator)


def _signed_unit(shape: tuple[int, ...], generator: torch.Generator) -> torch.Tensor:
    return torch.rand(shape, generator=generator) * 2 - 1


def _label_ids(shape: tuple[int, ...], generator: torch.Generator) -> torch.Tensor:
    # Every id up to and including "unknown" (35).
    return torch.randint(0, NUM_LABEL_CHANNELS, shape, generator=generator)


def _instance_ids(shape: tuple[int, ...], generator: torch.Generator) -> torch.Tensor:
    return torch.randint(0, _RANDOM_INSTANCES, shape, generator=generator)


def _semantic_one_hot(shape: tuple[int, ...], generator: torch.Generator) -> torch.Tensor:
    batch, classes, height, width = shape
    # One id past the classes stands for void, which one-hot encodes as all zeros.
    train_ids = torch.randint(0, classes + 1, (batch, height, width), generator=generator)
    return semantic_one_hot(train_ids, classes)


def segmentation_spec(model: nn.Module, name: str = "segmentation") -> OnnxExportSpec:
    """The export interface of a segmentation network (``forward(image) -> logits``)."""
    return OnnxExportSpec(
        name,
        model,
        inputs=(TensorSpec("image", _IMAGE, _normal),),
        outputs=(TensorSpec("logits", ("batch", None, "height", "width")),),
    )


class DeterministicSynthesis(nn.Module):
    """``synthesise`` without a random generator, as a module with positional tensor inputs."""

    def __init__(self, synthesiser: SemanticImageSynthesiser) -> None:
        super().__init__()
        self.synthesiser = synthesiser

    def forward(
        self, label_ids: torch.Tensor, instance_ids: torch.Tensor, image: torch.Tensor | None = None
    ) -> torch.Tensor:
        return self.synthesiser.synthesise(label_ids, instance_ids, image)


def synthesis_spec(model: SemanticImageSynthesiser, name: str = "synthesis") -> OnnxExportSpec:
    """The export interface of a synthesis network.

    CC-FPSE takes the style image (its encoder gives the style code) and has a fixed output size;
    the other synthesis networks ignore the image and take any size their strides allow.
    """
    uses_image = isinstance(model, CCFPSE)
    # CC-FPSE reshapes its style code to a fixed latent grid, which fixes the output size.
    height, width = model.generator.output_size if uses_image else ("height", "width")
    inputs = [
        TensorSpec("label_ids", ("batch", height, width), _label_ids),
        TensorSpec("instance_ids", ("batch", height, width), _instance_ids),
    ]
    if uses_image:
        inputs.append(TensorSpec("image", ("batch", 3, height, width), _signed_unit))
    return OnnxExportSpec(
        name,
        DeterministicSynthesis(model),
        inputs=tuple(inputs),
        outputs=(TensorSpec("synthesis", ("batch", 3, height, width)),),
    )


class PositionalDissimilarity(nn.Module):
    """The dissimilarity network with its keyword-only priors taken positionally (as ONNX does)."""

    def __init__(self, network: DissimilarityNet) -> None:
        super().__init__()
        self.network = network

    def forward(
        self,
        image: torch.Tensor,
        synthesis: torch.Tensor,
        semantic: torch.Tensor,
        *priors: torch.Tensor,
    ) -> torch.Tensor:
        named_priors = dict(zip(PRIOR_NAMES, priors, strict=True)) if priors else {}
        return self.network(image, synthesis, semantic, **named_priors)


def dissimilarity_spec(model: DissimilarityNet, name: str = "dissimilarity") -> OnnxExportSpec:
    """The export interface of a dissimilarity network; priors are inputs only if it uses them."""
    classes = model.config.num_semantic_classes
    inputs = [
        TensorSpec("image", _IMAGE, _normal),
        TensorSpec("synthesis", _IMAGE, _normal),
        TensorSpec("semantic", ("batch", classes, "height", "width"), _semantic_one_hot),
    ]
    if model.config.prior:
        inputs += [TensorSpec(prior, _MAP, _unit) for prior in PRIOR_NAMES]
    return OnnxExportSpec(
        name,
        PositionalDissimilarity(model),
        inputs=tuple(inputs),
        outputs=(TensorSpec("logits", ("batch", 2, "height", "width")),),
    )


def perceptual_spec(model: PerceptualDifference, name: str = "perceptual") -> OnnxExportSpec:
    """The export interface of the VGG19 perceptual difference (per-image normalised)."""
    return OnnxExportSpec(
        name,
        model,
        inputs=(TensorSpec("image", _IMAGE, _normal), TensorSpec("synthesis", _IMAGE, _normal)),
        outputs=(TensorSpec("perceptual", _MAP),),
    )


#: Export interface builder of each network kind (the ``kind`` of ``TorchModelDataset``).
SPEC_BUILDERS: dict[str, Callable[..., OnnxExportSpec]] = {
    "segmentation": segmentation_spec,
    "synthesis": synthesis_spec,
    "dissimilarity": dissimilarity_spec,
}
