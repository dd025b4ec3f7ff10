"""Training and evaluation of a semantic image synthesis network on Cityscapes frames (Kedro-free).

The generator learns to redraw each training image from its label-id and instance maps with
reconstruction losses (L1, multi-scale L1, image gradients, optionally VGG perceptual) and,
optionally, a conditional PatchGAN with feature matching.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from synboost_kedro.models.synthesis import SemanticImageSynthesiser, create_synthesis_model
from synboost_kedro.models.synthesis.discriminator import PatchDiscriminator
from synboost_kedro.models.synthesis.inputs import NUM_LABEL_CHANNELS, semantic_input
from synboost_kedro.training.checkpointing import EpochCheckpointer, run_resumable_epochs
from synboost_kedro.training.data import FrameLoader, FrameTensors, epoch_batches, load_frames
from synboost_kedro.training.reference_training import reference_fingerprint, reference_precision
from synboost_kedro.training.synthesis_losses import (
    VGGPerceptualLoss,
    check_loss_weights,
    feature_matching_loss,
    hinge_discriminator_loss,
    reconstruction_losses,
)
from synboost_kedro.utils.precision import Precision, scaled_step, scaler_state
from synboost_kedro.utils.progress import progress_bar

logger = logging.getLogger(__name__)


class _Adversary:
    """The discriminator, its optimizer and the generator-side GAN losses.

    The discriminator runs in the training's precision, with its own loss scaler; its scores
    and features are float32 before they enter a loss.
    """

    def __init__(self, training: dict[str, Any], precision: Precision) -> None:
        self.weights = training["losses"]
        self.precision = precision
        self.scaler = precision.grad_scaler()
        self.discriminator = PatchDiscriminator(
            NUM_LABEL_CHANNELS + 1, **training.get("discriminator", {})
        )
        self.optimizer = torch.optim.Adam(
            self.discriminator.parameters(), lr=training["learning_rate"], betas=(0.5, 0.999)
        )

    def generator_losses(
        self, semantics: torch.Tensor, fake: torch.Tensor, real: torch.Tensor
    ) -> dict[str, torch.Tensor]:
        fake_scores, fake_features = self._discriminate(semantics, fake)
        losses = {"adversarial": -self.weights.get("adversarial", 0) * fake_scores.mean()}
        if self.weights.get("feature_matching", 0) > 0:
            _, real_features = self._discriminate(semantics, real)
            losses["feature_matching"] = self.weights["feature_matching"] * feature_matching_loss(
                fake_features, real_features
            )
        return losses

    def step(self, semantics: torch.Tensor, fake: torch.Tensor, real: torch.Tensor) -> float:
        real_scores, _ = self._discriminate(semantics, real)
        fake_scores, _ = self._discriminate(semantics, fake.detach())
        loss = hinge_discriminator_loss(real_scores, fake_scores)
        scaled_step(loss, self.optimizer, self.scaler)
        return loss.item()

    def _discriminate(
        self, semantics: torch.Tensor, image: torch.Tensor
    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        with self.precision.autocast():
            scores, features = self.discriminator(semantics, image)
        return scores.float(), [feature.float() for feature in features]


def train_synthesis(
    frames: dict[str, FrameLoader],
    model_config: dict[str, Any],
    training: dict[str, Any],
    resume_dir: str | os.PathLike | None = None,
) -> tuple[SemanticImageSynthesiser, list[dict[str, float]]]:
    """Train a synthesis network to redraw each frame from its label-id and instance maps.

    Args:
        frames: Training frames by frame id (lazy loaders).
        model_config: ``architecture`` and ``options`` for ``create_synthesis_model``.
        training: ``seed``, ``epochs``, ``batch_size``, ``learning_rate``, ``height``, ``width``,
            ``flip``, ``losses`` (weights of ``l1``, ``pyramid_l1``, ``gradient``, ``perceptual``,
            ``adversarial``, ``feature_matching``; 0 or absent switches one off),
            ``perceptual_vgg_weights`` (local VGG19 file, or null for a frozen random VGG19),
            ``discriminator`` (``PatchDiscriminator`` options, used when a GAN weight is > 0) and
            optionally ``precision`` of the networks (fp32 by default; the losses stay float32).
        resume_dir: Folder of the per-epoch training state; re-running resumes from it.

    Returns:
        The trained network in eval mode and the per-epoch history of every loss term.
    """
    weights = training["losses"]
    check_loss_weights(weights)
    precision = reference_precision(training, "synthesis")
    scaler = precision.grad_scaler()
    torch.manual_seed(training["seed"])
    model = create_synthesis_model(model_config["architecture"], **model_config["options"])
    perceptual = None
    if weights.get("perceptual", 0) > 0:
        perceptual = VGGPerceptualLoss(training.get("perceptual_vgg_weights"))
    adversary = None
    if weights.get("adversarial", 0) > 0 or weights.get("feature_matching", 0) > 0:
        adversary = _Adversary(training, precision)
    data = load_frames(frames, training["height"], training["width"], "synthesis training")
    optimizer = torch.optim.Adam(
        model.parameters(), lr=training["learning_rate"], betas=(0.5, 0.999)
    )
    batches_per_epoch = -(-len(data) // training["batch_size"])

    def train_one_epoch(epoch: int) -> dict[str, float]:
        model.train()
        sums: dict[str, float] = {}
        noise = torch.Generator().manual_seed(training["seed"] * 7919 + epoch)
        batches = epoch_batches(
            data, training["batch_size"], training["seed"], epoch, training["flip"]
        )
        for batch in progress_bar(
            batches, f"synthesis epoch {epoch + 1}", "batch", total=batches_per_epoch, leave=False
        ):
            real = batch.images_signed
            with precision.autocast():
                fake = model.synthesise(
                    batch.label_ids.long(), batch.instance_ids.long(), real, noise
                )
            fake = fake.float()
            losses = reconstruction_losses(fake, real, weights, perceptual)
            if adversary is not None:
                semantics = semantic_input(batch.label_ids.long(), batch.instance_ids.long())
                losses |= adversary.generator_losses(semantics, fake, real)
            total = sum(losses.values())
            scaled_step(total, optimizer, scaler)
            # After the generator step: the discriminator step changes weights its graph used.
            if adversary is not None:
                sums["discriminator"] = sums.get("discriminator", 0.0) + adversary.step(
                    semantics, fake, real
                )
            for name, value in {"loss": total, **losses}.items():
                sums[name] = sums.get(name, 0.0) + value.item()
        return {name: value / batches_per_epoch for name, value in sums.items()}

    modules: dict[str, nn.Module] = {"model": model}
    optimizers = {"optimizer": optimizer, **scaler_state(scaler)}
    if adversary is not None:
        modules["discriminator"] = adversary.discriminator
        optimizers["discriminator_optimizer"] = adversary.optimizer
        optimizers |= scaler_state(adversary.scaler, "discriminator_grad_scaler")
    fingerprint = reference_fingerprint(model_config, training, frames, precision.name)
    checkpointer = EpochCheckpointer(resume_dir, fingerprint, modules, optimizers)
    history = run_resumable_epochs(checkpointer, training["epochs"], train_one_epoch, "synthesis")
    return model.eval(), history


@torch.no_grad()
def synthesise_frames(
    model: SemanticImageSynthesiser, frames: FrameTensors, batch_size: int
) -> torch.Tensor:
    """Redraw ``frames`` from their ground-truth maps: ``[N, 3, H, W]`` in ``[-1, 1]``."""
    model.eval()
    outputs = []
    for start in range(0, len(frames), batch_size):
        batch = frames.subset(torch.arange(start, min(start + batch_size, len(frames))))
        outputs.append(
            model.synthesise(batch.label_ids.long(), batch.instance_ids.long(), batch.images_signed)
        )
    return torch.cat(outputs)


def evaluate_synthesis(
    model: SemanticImageSynthesiser, frames: dict[str, FrameLoader], evaluation: dict[str, Any]
) -> dict[str, float]:
    """L1 and PSNR between real frames and their redrawings from the ground-truth maps.

    Both are computed on images scaled to ``[0, 1]``; PSNR is averaged over images.

    Args:
        model: A synthesis network.
        frames: Validation frames by frame id.
        evaluation: ``height``, ``width`` and ``batch_size``.
    """
    data = load_frames(frames, evaluation["height"], evaluation["width"], "synthesis validation")
    fake = (synthesise_frames(model, data, evaluation["batch_size"]) + 1) / 2
    real = data.images_unit
    mse = F.mse_loss(fake, real, reduction="none").flatten(1).mean(1).clamp(min=1e-10)
    scores = {
        "l1": F.l1_loss(fake, real).item(),
        "psnr": (10 * torch.log10(1 / mse)).mean().item(),
    }
    logger.info("Synthesis validation L1 %.4f, PSNR %.2f dB", scores["l1"], scores["psnr"])
    return scores
