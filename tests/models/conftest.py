"""A synthetic stand-in for the SynBoost release (``models.tar``) made from the manifests.

The tensors come from the manifests, not from this project's network classes, so loading them
checks checkpoint compatibility independently of the code under test. The containers follow
docs/method.md, "Original release files": the segmentation file is a training snapshot with
``module.``-prefixed keys and NumPy scalars; the synthesis files are bare state dicts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import torch

from tests.conftest import PROJECT_ROOT

SEGMENTATION_MANIFEST = "seg_wrn38_state_dict_manifest.tsv"
GENERATOR_MANIFEST = "synth_ccfpse_G_state_dict_manifest.tsv"
ENCODER_MANIFEST = "synth_ccfpse_E_state_dict_manifest.tsv"

SEGMENTATION_FILE = Path("image-segmentation") / "cityscapes_best.pth"
GENERATOR_FILE = Path("image-synthesis") / "latest_net_G.pth"
ENCODER_FILE = Path("image-synthesis") / "latest_net_E.pth"


def find_reference_dir() -> Path | None:
    """``shared/reference`` beside the repository (or beside one of its parents), if present."""
    for folder in PROJECT_ROOT.parents:
        candidate = folder / "shared" / "reference"
        if (candidate / SEGMENTATION_MANIFEST).is_file():
            return candidate
    return None


def reference_dir() -> Path:
    """The reference folder, or skip the test saying where it was looked for."""
    folder = find_reference_dir()
    if folder is None:
        pytest.skip(
            f"reference manifests not found: no shared/reference/{SEGMENTATION_MANIFEST} beside "
            f"{PROJECT_ROOT} or any of its parents"
        )
    return folder


@dataclass(frozen=True)
class ManifestEntry:
    key: str
    shape: tuple[int, ...]
    kind: str
    dtype: str


def read_manifest(name: str) -> list[ManifestEntry]:
    """The rows of a state-dict manifest (``key, shape, kind, dtype``), in file order."""
    entries = []
    for line in (reference_dir() / name).read_text().splitlines():
        if not line or line.startswith("#") or line.startswith("key\t"):
            continue
        key, shape, kind, dtype = line.split("\t")
        dims = tuple(int(dim) for dim in shape.strip("[]").split(",") if dim.strip())
        entries.append(ManifestEntry(key, dims, kind, dtype))
    return entries


def describe_network(network: torch.nn.Module) -> list[ManifestEntry]:
    """A network's state dict in manifest form, in ``state_dict()`` order."""
    parameters = {name for name, _ in network.named_parameters()}
    return [
        ManifestEntry(
            key,
            tuple(tensor.shape),
            "param" if key in parameters else "buffer",
            str(tensor.dtype).removeprefix("torch."),
        )
        for key, tensor in network.state_dict(keep_vars=True).items()
    ]


def random_state_dict(manifest: list[ManifestEntry], seed: int) -> dict[str, torch.Tensor]:
    """Seeded tensors for every manifest key, scaled like a trained network's.

    Conv and linear weights get variance ``1 / fan_in``; BN statistics stay positive; spectral-norm
    vectors are unit length.
    """
    generator = torch.Generator().manual_seed(seed)
    state = {}
    for entry in manifest:
        name = entry.key.rsplit(".", 1)[-1]
        if entry.dtype == "int64":
            tensor = torch.tensor(seed + 1, dtype=torch.int64)
        elif name in ("weight_u", "weight_v"):
            tensor = torch.nn.functional.normalize(
                torch.randn(entry.shape, generator=generator), dim=0
            )
        elif name == "running_var":
            tensor = 0.5 + torch.rand(entry.shape, generator=generator)
        elif len(entry.shape) >= 2:
            fan_in = math.prod(entry.shape[1:])
            tensor = torch.randn(entry.shape, generator=generator) / math.sqrt(fan_in)
        elif name == "weight":
            tensor = 1 + 0.1 * torch.randn(entry.shape, generator=generator)
        else:
            tensor = 0.1 * torch.randn(entry.shape, generator=generator)
        state[entry.key] = tensor
    return state


@dataclass(frozen=True)
class Release:
    """Where the synthetic release was written and the tensors it holds (unprefixed keys)."""

    folder: Path
    segmentation_state: dict[str, torch.Tensor] | None
    generator_state: dict[str, torch.Tensor] | None
    encoder_state: dict[str, torch.Tensor] | None

    @property
    def segmentation(self) -> Path:
        return self.folder / SEGMENTATION_FILE

    @property
    def generator(self) -> Path:
        return self.folder / GENERATOR_FILE

    @property
    def encoder(self) -> Path:
        return self.folder / ENCODER_FILE


def save_original_style_release(
    folder: Path, seed: int, segmentation: bool = True, synthesis: bool = True
) -> Release:
    """Write the original files under ``folder`` in the ``models.tar`` layout.

    Args:
        folder: Where ``image-segmentation/`` and ``image-synthesis/`` are created.
        seed: Seed of the random tensors.
        segmentation: Write ``cityscapes_best.pth`` (NVIDIA's training snapshot container).
        synthesis: Write ``latest_net_G.pth`` and ``latest_net_E.pth`` (bare state dicts).
    """
    segmentation_state = generator_state = encoder_state = None
    if segmentation:
        segmentation_state = _save_segmentation(folder / SEGMENTATION_FILE, seed)
    if synthesis:
        generator_state = _save_bare(folder / GENERATOR_FILE, GENERATOR_MANIFEST, seed)
        encoder_state = _save_bare(folder / ENCODER_FILE, ENCODER_MANIFEST, seed + 1)
    return Release(folder, segmentation_state, generator_state, encoder_state)


def _save_segmentation(path: Path, seed: int) -> dict[str, torch.Tensor]:
    state = random_state_dict(read_manifest(SEGMENTATION_MANIFEST), seed)
    container = {
        "state_dict": {f"module.{key}": tensor for key, tensor in state.items()},
        "optimizer": {"state": {}, "param_groups": [{"lr": 0.002, "momentum": 0.9}]},
        "epoch": np.int64(3),
        "mean_iu": np.float64(0.8),
        "command": "python train.py --arch network.deepv3.DeepWV3Plus --jointwtborder",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(container, path)
    return state


def _save_bare(path: Path, manifest: str, seed: int) -> dict[str, torch.Tensor]:
    state = random_state_dict(read_manifest(manifest), seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(state, path)
    return state
