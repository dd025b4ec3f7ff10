"""Loading the released CC-FPSE generator and encoder (``latest_net_G.pth`` / ``_E.pth``)."""

from __future__ import annotations

import os

from synboost_kedro.models.checkpoints import load_strictly, read_state_dict
from synboost_kedro.models.release_files import RELEASE_HOW_TO_GET
from synboost_kedro.models.synthesis.ccfpse.encoder import ConvEncoder
from synboost_kedro.models.synthesis.ccfpse.generator import RELEASE_CROP_SIZE, CondConvGenerator
from synboost_kedro.models.synthesis.ccfpse.model import CCFPSE
from synboost_kedro.models.synthesis.registry import SYNTHESIS_MODELS


def load_generator(
    path: str | os.PathLike, crop_size: int = RELEASE_CROP_SIZE
) -> CondConvGenerator:
    """The CC-FPSE generator with the weights in ``path`` (a bare state dict), in eval mode."""
    state_dict = read_state_dict(
        path, "SynBoost synthesis generator (latest_net_G.pth)", RELEASE_HOW_TO_GET
    )
    generator = CondConvGenerator(crop_size)
    load_strictly(generator, state_dict, str(path))
    return generator.eval()


def load_encoder(path: str | os.PathLike) -> ConvEncoder:
    """The CC-FPSE VAE encoder with the weights in ``path`` (a bare state dict), in eval mode."""
    state_dict = read_state_dict(
        path, "SynBoost synthesis encoder (latest_net_E.pth)", RELEASE_HOW_TO_GET
    )
    encoder = ConvEncoder()
    load_strictly(encoder, state_dict, str(path))
    return encoder.eval()


def from_original_checkpoints(
    generator_path: str | os.PathLike,
    encoder_path: str | os.PathLike,
    crop_size: int = RELEASE_CROP_SIZE,
) -> tuple[CondConvGenerator, ConvEncoder]:
    """Build the released CC-FPSE generator and VAE encoder, both in eval mode.

    Spectral-norm vectors are loaded as stored and eval mode runs no power iteration, so the
    outputs are reproducible.

    Args:
        generator_path: ``models/image-synthesis/latest_net_G.pth`` of the SynBoost release.
        encoder_path: ``models/image-synthesis/latest_net_E.pth``.
        crop_size: Generator output width (512 for the release, giving 256×512).

    Returns:
        ``(G, E)``: ``G(semantics [B,36,256,512], z [B,256])`` gives ``[B,3,256,512]`` in
        [-1, 1]; ``E(image [B,3,H,W] in [-1, 1])`` gives ``(mu, logvar)``.

    Raises:
        MissingWeightsError: a file does not exist (the message names it).
        CheckpointMismatchError: a file's keys or shapes do not match, naming them.
    """
    # The small encoder first, so a bad encoder file fails before the 0.5 GB generator loads.
    encoder = load_encoder(encoder_path)
    return load_generator(generator_path, crop_size), encoder


@SYNTHESIS_MODELS.register("ccfpse")
def build_ccfpse(
    generator_path: str | os.PathLike | None = None,
    encoder_path: str | os.PathLike | None = None,
    crop_size: int = RELEASE_CROP_SIZE,
) -> CCFPSE:
    """Build the original SynBoost synthesis model in eval mode.

    Args:
        generator_path: The released ``latest_net_G.pth``; ``None`` keeps a random generator.
        encoder_path: The released ``latest_net_E.pth``; ``None`` keeps a random encoder.
        crop_size: Generator output width (512 for the release).
    """
    generator = (
        CondConvGenerator(crop_size)
        if generator_path is None
        else load_generator(generator_path, crop_size)
    )
    encoder = ConvEncoder() if encoder_path is None else load_encoder(encoder_path)
    return CCFPSE(generator, encoder).eval()
