"""Run a trained SynBoost detector on any image: the Python API behind the ``inference`` pipeline.

``AnomalyDetector`` chains the segmentation, synthesis, perceptual-difference and dissimilarity
networks as the original's ``estimator.py`` does (docs/method.md, "Per-image inference"), with its
bugs fixed: it runs on CPU or CUDA, returns the distance map as the distance map, resizes label
maps with NEAREST and scores bilinearly, and honours its seed. It is Kedro-free::

    from synboost_kedro import AnomalyDetector

    detector = AnomalyDetector.from_mlflow("runs:/<run id>/anomaly_detector")
    detector = AnomalyDetector.from_original_release("models")  # the authors' models.tar
    scores = detector(image)          # float32 [H, W] at the image's size
    maps = detector.analyse(image)    # every intermediate map, also at the image's size

Images larger than ``DetectorSettings.max_pixels`` are refused with an error naming the limit
(every network works at a fixed size, so only decoding and the full-size outputs grow with the
image; the limit keeps a stray panorama from exhausting memory).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from PIL import Image
from torch import nn

from synboost_kedro.frames import ProcessedFrame
from synboost_kedro.images import checked_rgb
from synboost_kedro.inference import saved
from synboost_kedro.inference.analysis import (
    AnomalyAnalysis,
    NetworkOutput,
    chunks,
    decode_images,
    score_batch,
)
from synboost_kedro.inference.original_release import release_networks, release_settings
from synboost_kedro.inference.settings import DetectorSettings
from synboost_kedro.models.perceptual import PerceptualDifference
from synboost_kedro.scoring import resize_scores
from synboost_kedro.uncertainty import MapModels, compute_maps, resolve_device
from synboost_kedro.utils.compilation import CompiledNetwork, CompileTimer
from synboost_kedro.utils.device import prepare_device
from synboost_kedro.utils.precision import Precision

if TYPE_CHECKING:
    from synboost_kedro.export.runtime import OnnxSource

ImageLike = np.ndarray | Image.Image
ImageLoader = Callable[[], ImageLike]


class AnomalyDetector:
    """SynBoost's pixel-wise anomaly detector on CPU or CUDA.

    Args:
        segmentation: ImageNet-normalised RGB ``[B, 3, H, W]`` → 19 train-id logits.
        synthesis: A :class:`~synboost_kedro.models.synthesis.SemanticImageSynthesiser`.
        dissimilarity: The dissimilarity network.
        perceptual: The VGG perceptual difference (a :class:`PerceptualDifference` or its
            ONNX export); built from ``settings`` when omitted.
        settings: Resolutions, fusion weights, seed, batch size, size limit and precision.
        device: ``"auto"`` (CUDA when available), ``"cpu"``, ``"cuda[:i]"`` or a device.
        precision: ``"fp32"``, ``"bf16"``, ``"fp16"`` or ``"auto"`` (bf16 on a GPU that has
            it, else fp32) in place of ``settings.precision``; the scores stay float32.
        compile: In place of ``settings.compile``: run the dissimilarity network through
            ``torch.compile`` (the log reports the compilation time after the second batch).
    """

    def __init__(
        self,
        segmentation: nn.Module,
        synthesis: nn.Module,
        dissimilarity: nn.Module,
        *,
        perceptual: nn.Module | None = None,
        settings: DetectorSettings | None = None,
        device: str | torch.device = "auto",
        precision: str | None = None,
        compile: bool | None = None,
    ) -> None:
        self.settings = settings = _with_overrides(
            settings or DetectorSettings(), precision=precision, compile=compile
        )
        self.device = device if isinstance(device, torch.device) else resolve_device(device)
        prepare_device(self.device)
        #: What the networks compute in, resolved for the device.
        self.precision = Precision.on(settings.precision, self.device, "precision")
        if perceptual is None:
            perceptual = PerceptualDifference(
                settings.perceptual_weights,
                seed=settings.perceptual_seed,
                architecture=settings.perceptual_architecture,
            )
        self.map_models = MapModels(segmentation, synthesis, perceptual).prepared(self.device)
        self.dissimilarity = dissimilarity.to(self.device).eval()
        if self.device.type == "cpu" and hasattr(self.dissimilarity, "optimize_for_cpu"):
            self.dissimilarity.optimize_for_cpu()
        # The network as it runs; self.dissimilarity stays the plain one that save() writes.
        self._scoring_network = (
            CompiledNetwork(self.dissimilarity, "compile")
            if settings.compile
            else self.dissimilarity
        )
        self._compile_timer = CompileTimer(
            "detector's dissimilarity network", enabled=settings.compile
        )
        self._map_config = settings.map_config(self.device, self.precision.name)
        #: What runs the networks: ``"torch"``, or ``"onnxruntime"`` (:meth:`from_onnx`).
        self.runtime = "torch"

    # ---------------------------------------------------------------------------- construction
    @classmethod
    def from_checkpoints(
        cls,
        segmentation: str | os.PathLike,
        synthesis: str | os.PathLike,
        dissimilarity: str | os.PathLike,
        perceptual_weights: str | os.PathLike | None = None,
        *,
        settings: DetectorSettings | None = None,
        device: str | torch.device = "auto",
    ) -> AnomalyDetector:
        """Build from this project's model files (``TorchModelDataset`` files).

        Args:
            segmentation, synthesis, dissimilarity: The three model files.
            perceptual_weights: Local torchvision state dict of the perceptual VGG (overrides
                ``settings``).
            settings: See :class:`DetectorSettings`; the original's resolutions by default.
            device: See :class:`AnomalyDetector`.

        Raises:
            FileNotFoundError or ValueError: a file is missing, unsafe or not a model file of
                the expected kind; the message names it.
        """
        settings = settings or DetectorSettings()
        if perceptual_weights is not None:
            settings = dataclasses.replace(settings, perceptual_weights=str(perceptual_weights))
        networks = saved.read_model_files(segmentation, synthesis, dissimilarity)
        return cls(**networks, settings=settings, device=device)

    @classmethod
    def from_original_release(
        cls,
        models_dir: str | os.PathLike,
        variant: str = "ours",
        vgg19_weights: str | os.PathLike | None = None,
        *,
        device: str | torch.device = "auto",
        settings: DetectorSettings | None = None,
    ) -> AnomalyDetector:
        """Build the authors' released detector from the ``models/`` folder of ``models.tar``.

        Args:
            models_dir: The folder holding ``image-segmentation/``, ``image-synthesis/`` and
                ``image-dissimilarity/`` (docs/method.md, "Original release files").
            variant: ``"ours"`` (priors, fused with entropy) or ``"baseline"`` (no priors;
                the score is the anomaly probability).
            vgg19_weights: Local torchvision VGG19 state dict of the perceptual difference
                (overrides ``settings``); ``None`` keeps ``settings``' (random features when
                unset, for smoke runs only).
            device: See :class:`AnomalyDetector`.
            settings: Replaces the release's recipe, e.g. a smaller segmentation size.

        Raises:
            FileNotFoundError: release files are missing; every expected path absent is listed.
            ValueError: ``variant`` is unknown, or a file does not fit its network (the message
                names the file and the offending keys).
        """
        networks = release_networks(models_dir, variant)
        settings = settings or release_settings(variant)
        if vgg19_weights is not None:
            settings = dataclasses.replace(
                settings, perceptual_weights=str(vgg19_weights), perceptual_architecture="vgg19"
            )
        return cls(**networks, settings=settings, device=device)

    @classmethod
    def from_onnx(
        cls,
        segmentation: OnnxSource,
        synthesis: OnnxSource,
        dissimilarity: OnnxSource,
        perceptual: OnnxSource | None = None,
        *,
        settings: DetectorSettings | None = None,
        threads: int | None = None,
        providers: Sequence[str] | None = None,
    ) -> AnomalyDetector:
        """Build a CPU detector whose networks run in ONNX Runtime (no torch networks needed).

        The files are those the ``export`` pipeline writes (``data/06_models/onnx/``); the
        maps, resizing and fusion around them are the torch detector's, so the scores match it
        up to float32 rounding (docs/export.md).

        Args:
            segmentation, synthesis, dissimilarity: ``.onnx`` paths or loaded ONNX models.
            perceptual: An export of the VGG perceptual difference; ``None`` runs it in torch
                from ``settings.perceptual_weights``.
            settings: See :class:`DetectorSettings`; ``seed`` must be ``None`` (the exported
                synthesis is deterministic).
            threads: ONNX Runtime intra-op threads; ``None`` uses one per core.
            providers: ONNX Runtime execution providers, in order of preference; ``None`` is
                the CPU one.

        Raises:
            FileNotFoundError: a file is missing; the message names it.
            ValueError: a file is not an ONNX model, or ``settings.seed`` is set.
        """
        # On use: ONNX Runtime is slow to import and only this constructor needs it.
        from synboost_kedro.export.runtime import onnx_networks

        settings = settings or DetectorSettings()
        if settings.seed is not None:
            raise ValueError(
                f"Detector setting seed must be None for ONNX networks (got {settings.seed}): "
                "the exported synthesis cannot sample a style"
            )
        networks = onnx_networks(
            segmentation,
            synthesis,
            dissimilarity,
            perceptual,
            threads=threads,
            providers=providers,
        )
        # ONNX Runtime optimises its graphs itself; torch.compile has nothing to compile there.
        detector = cls(**networks, settings=settings, device="cpu", compile=False)
        detector.runtime = "onnxruntime"
        return detector

    @classmethod
    def load(
        cls,
        directory: str | os.PathLike,
        device: str | torch.device = "auto",
        *,
        precision: str | None = None,
        compile: bool | None = None,
    ) -> AnomalyDetector:
        """Rebuild a detector written by :meth:`save` (``precision`` and ``compile`` replace the
        saved settings', as in :class:`AnomalyDetector`).

        Raises:
            FileNotFoundError: ``directory`` holds no complete saved detector.
        """
        settings = DetectorSettings.read(directory)
        networks = saved.read_model_files(*saved.model_file_paths(directory))
        return cls(
            **networks, settings=settings, device=device, precision=precision, compile=compile
        )

    @classmethod
    def from_mlflow(
        cls,
        run_id_or_model_uri: str,
        device: str | torch.device = "auto",
        *,
        precision: str | None = None,
        compile: bool | None = None,
    ) -> AnomalyDetector:
        """Download a detector logged by a training run (see
        :func:`~synboost_kedro.inference.saved.download_detector_folder` for the URIs)."""
        folder = saved.download_detector_folder(run_id_or_model_uri)
        return cls.load(folder, device=device, precision=precision, compile=compile)

    def save(self, directory: str | os.PathLike) -> None:
        """Write the networks and settings to ``directory``, each file atomically."""
        if self.runtime != "torch":
            raise ValueError(
                f"A detector running in {self.runtime} cannot be saved as torch model files; "
                "keep the .onnx files it was built from"
            )
        networks = {
            "segmentation": self.map_models.segmentation,
            "synthesis": self.map_models.synthesis,
            "dissimilarity": self.dissimilarity,
        }
        saved.write_detector_folder(directory, networks, self.settings)

    # ---------------------------------------------------------------------------- prediction
    def __call__(self, image: ImageLike) -> np.ndarray:
        """The anomaly score map of one image, ``[H, W]`` float32 at the image's size."""
        return self.predict([image])[0]

    def predict(self, images: Sequence[ImageLike]) -> list[np.ndarray]:
        """Anomaly score maps of ``images``, computed ``settings.batch_size`` at a time.

        Each image is named by its content, so its score (even with a sampled style) does not
        depend on the other images of the call.
        """
        return [
            resize_scores(torch.from_numpy(output.anomaly), *output.image.shape[:2])
            for output in self._run_in_memory(images)
        ]

    def analyse(self, image: ImageLike) -> AnomalyAnalysis:
        """Every map of one image at its size (see :class:`AnomalyAnalysis`)."""
        return self._run_in_memory([image])[0].full_size()

    def analyse_stream(
        self, loaders: Mapping[str, ImageLoader], skipped: dict[str, str] | None = None
    ) -> Iterator[tuple[str, np.ndarray, AnomalyAnalysis]]:
        """``(name, RGB image, analysis)`` of each named image, in sorted name order.

        Images are loaded lazily and only the current batch is in memory, so this suits folders
        of any length.

        Args:
            loaders: ``{name: loader}`` of the images.
            skipped: Without it, the first bad image stops the stream. With it, a bad image is
                recorded there as ``{name: reason}`` and the others are still analysed.

        Raises:
            ValueError: an image is not an image, is empty or exceeds ``max_pixels`` (and
                ``skipped`` is not given); the message names it.
        """
        for name, output in self._run(loaders, sorted(loaders), skipped):
            yield name, output.image, output.full_size()

    # ---------------------------------------------------------------------------- internals
    def _run_in_memory(self, images: Iterable[ImageLike]) -> list[NetworkOutput]:
        arrays = [
            checked_rgb(image, f"image {index}", self.settings.max_pixels)
            for index, image in enumerate(images)
        ]
        names = [_content_name(array) for array in arrays]
        loaders = {
            name: (lambda array=array: array) for name, array in zip(names, arrays, strict=True)
        }
        outputs = dict(self._run(loaders, sorted(loaders)))
        return [outputs[name] for name in names]

    def _run(
        self,
        loaders: Mapping[str, ImageLoader],
        names: Sequence[str],
        skipped: dict[str, str] | None = None,
    ) -> Iterator[tuple[str, NetworkOutput]]:
        # One batch at a time: decoded before the networks run, so a bad image is known (and
        # skipped) before it could stop a batch, and only one batch of images is in memory.
        for chunk in chunks(names, self.settings.batch_size):
            images = decode_images(loaders, chunk, self.settings.max_pixels, skipped)
            if not images:
                continue
            frames = compute_maps(
                {
                    name: functools.partial(ProcessedFrame, name, image=image)
                    for name, image in images.items()
                },
                list(images),
                self.map_models,
                self._map_config,
            )
            batch = list(frames)
            arrays = [images[maps.frame_id] for maps in batch]
            with self._compile_timer.measure():
                outputs = score_batch(
                    self._scoring_network,
                    arrays,
                    batch,
                    self.settings,
                    self.device,
                    precision=self.precision,
                )
            yield from zip((maps.frame_id for maps in batch), outputs, strict=True)


def _with_overrides(settings: DetectorSettings, **overrides: Any) -> DetectorSettings:
    """``settings`` with the ``overrides`` that are not ``None``."""
    given = {name: value for name, value in overrides.items() if value is not None}
    return dataclasses.replace(settings, **given) if given else settings


def _content_name(image: np.ndarray) -> str:
    digest = hashlib.sha256(np.ascontiguousarray(image).tobytes())
    digest.update(repr(image.shape).encode())
    return digest.hexdigest()[:16]
