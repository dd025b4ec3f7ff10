"""The layout of the authors' released ``models.tar``: which file holds which network."""

from __future__ import annotations

from pathlib import Path

RELEASE_HOW_TO_GET = (
    "Extract the SynBoost release (models.tar from the authors' README) and point the "
    "configuration at the file."
)

#: Files of the release, relative to its ``models/`` folder.
SEGMENTATION_FILE = Path("image-segmentation") / "cityscapes_best.pth"
GENERATOR_FILE = Path("image-synthesis") / "latest_net_G.pth"
ENCODER_FILE = Path("image-synthesis") / "latest_net_E.pth"
DISSIMILARITY_FILES = {
    "ours": Path("image-dissimilarity") / "best_net_baseline_void_prior_spadedecoder_mult_3.pth",
    "baseline": Path("image-dissimilarity") / "best_net_baseline_mult_3.pth",
}
