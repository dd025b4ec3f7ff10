"""The authors' released detector: its networks from ``models.tar`` and its end-to-end recipe."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from torch import nn

from synboost_kedro.inference.settings import DetectorSettings
from synboost_kedro.models.dissimilarity import from_original_checkpoint
from synboost_kedro.models.release_files import (
    DISSIMILARITY_FILES,
    ENCODER_FILE,
    GENERATOR_FILE,
    SEGMENTATION_FILE,
)
from synboost_kedro.models.segmentation import create_segmentation_model
from synboost_kedro.models.synthesis import create_synthesis_model
from synboost_kedro.scoring import ORIGINAL_FUSION_WEIGHTS
from synboost_kedro.uncertainty import Normalisation

#: The original end-to-end recipe (docs/method.md, "Sizes and constants"): segmentation at
#: 1024×2048, synthesis and dissimilarity at 256×512, the original's entropy/distance
#: normalisation and the "ours" ensemble 0.75·p_anomaly + 0.25·entropy.
ORIGINAL_RECIPE = DetectorSettings(
    segmentation_size=(1024, 2048),
    synthesis_size=(256, 512),
    dissimilarity_size=(256, 512),
    fusion_weights=dict(ORIGINAL_FUSION_WEIGHTS),
    normalisation=Normalisation.ORIGINAL.value,
)
#: The baseline variant has no ensemble: its score is the anomaly probability.
ORIGINAL_BASELINE_FUSION = {"dissimilarity": 1.0}


def release_settings(variant: str) -> DetectorSettings:
    """:data:`ORIGINAL_RECIPE`, with the baseline's fusion for ``variant == "baseline"``."""
    if variant == "baseline":
        return dataclasses.replace(ORIGINAL_RECIPE, fusion_weights=dict(ORIGINAL_BASELINE_FUSION))
    return ORIGINAL_RECIPE


def release_networks(models_dir: str | os.PathLike, variant: str) -> dict[str, nn.Module]:
    """The released segmentation, synthesis and dissimilarity networks of ``variant``, by kind.

    They are built through the model registries, so a detector made of them saves in the
    project's model-file format.

    Raises:
        ValueError: ``variant`` is unknown.
        FileNotFoundError: release files are missing; every expected path that is absent is
            listed.
    """
    segmentation, generator, encoder, dissimilarity = _release_paths(Path(models_dir), variant)
    return {
        "segmentation": create_segmentation_model(
            "wrn38_deeplabv3plus", checkpoint_path=str(segmentation)
        ),
        "synthesis": create_synthesis_model(
            "ccfpse", generator_path=str(generator), encoder_path=str(encoder)
        ),
        "dissimilarity": from_original_checkpoint(dissimilarity, variant),
    }


def _release_paths(models_dir: Path, variant: str) -> tuple[Path, Path, Path, Path]:
    if variant not in DISSIMILARITY_FILES:
        raise ValueError(
            f"Unknown release variant '{variant}'; choose one of {sorted(DISSIMILARITY_FILES)}"
        )
    names = (SEGMENTATION_FILE, GENERATOR_FILE, ENCODER_FILE, DISSIMILARITY_FILES[variant])
    paths = tuple(models_dir / name for name in names)
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        raise FileNotFoundError(
            f"The SynBoost release ({variant}) under '{models_dir}' lacks "
            + ", ".join(f"'{path}'" for path in missing)
            + "; extract the authors' models.tar there (its models/ folder)"
        )
    return paths
