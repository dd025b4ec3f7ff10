"""Run a trained SynBoost detector on any image: the Python API behind the ``inference`` pipeline.

``AnomalyDetector`` chains the segmentation, synthesis, perceptual-difference and dissimilarity
networks exactly as the original's ``estimator.py`` does (spec §1.3), with its bugs fixed:
it runs on CPU or CUDA, returns the distance map as the distance map, resizes label maps with
NEAREST and scores bilinearly, and honours its seed. It is Kedro-free::

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
import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from PIL import Image
from torch import nn

from synboost_kedro.evaluation.fusion import FUSABLE_METHODS, fuse_scores
from synboost_kedro.evaluation.scoring import dissimilarity_probabilities, resize_scores
from synboost_kedro.frames import ProcessedFrame
from synboost_kedro.images import rgb_array
from synboost_kedro.models.build_config import BUILD_CONFIG_ATTRIBUTE, attach_build_config
from synboost_kedro.models.dissimilarity import DissimilarityConfig, DissimilarityNet
from synboost_kedro.models.dissimilarity.checkpoint import CHECKPOINT_FORMAT
from synboost_kedro.models.dissimilarity.inputs import ANOMALY_WEIGHT, ENTROPY_WEIGHT
from synboost_kedro.models.perceptual import PerceptualDifference
from synboost_kedro.models.segmentation import create_segmentation_model
from synboost_kedro.models.synthesis import create_synthesis_model
from synboost_kedro.training.dissimilarity_data import prepare_sample
from synboost_kedro.uncertainty import (
    MapConfig,
    MapModels,
    Normalisation,
    SynthesisLabels,
    compute_maps,
    resolve_device,
)
from synboost_kedro.uncertainty.frame_inputs import resize_array
from synboost_kedro.uncertainty.quantise import uint8_to_unit
from synboost_kedro.utils import atomic_write_bytes
from synboost_kedro.utils.strict_fields import from_known_fields

if TYPE_CHECKING:
    from synboost_kedro.export.runtime import OnnxSource

logger = logging.getLogger(__name__)

Size = tuple[int, int]
ImageLike = np.ndarray | Image.Image
ImageLoader = Callable[[], ImageLike]

#: Files of a saved detector; the settings file is written last, so its presence marks a
#: complete folder.
MODEL_FILES = {
    "segmentation": "segmentation.pt",
    "synthesis": "synthesis.pt",
    "dissimilarity": "dissimilarity.pt",
}
SETTINGS_FILE = "detector.json"
#: Name of the MLflow model the ``training_with_served_model`` pipeline logs.
MLFLOW_MODEL_NAME = "anomaly_detector"
DEFAULT_MAX_PIXELS = 4096 * 4096


@dataclass(frozen=True)
class DetectorSettings:
    """Resolutions, fusion and limits of a detector; the defaults are the original's (§1.4).

    Attributes:
        segmentation_size: Segmentation input ``(H, W)``; ``None`` keeps each image's size.
        synthesis_size: Synthesis input and output size.
        dissimilarity_size: Dissimilarity-network input size (multiples of 8), also the size of
            the perceptual difference.
        fusion_weights: Weights of ``dissimilarity``, ``entropy``, ``perceptual`` and ``distance``
            in the final score (the original: 0.75 / 0.25 / 0 / 0).
        normalisation: Per-image scaling of entropy and distance (``original`` for networks
            trained on the original's maps).
        seed: ``None`` draws the synthesis style from the style encoder's mean (deterministic).
            An integer samples it per image from a generator seeded with it and the image's
            name, like the original's VAE sampling but reproducible and independent of batching.
        batch_size: Images per forward pass.
        max_pixels: Largest accepted image (height × width).
        perceptual_weights: Local torchvision state dict of the perceptual difference's VGG;
            ``None`` uses seeded random features (only for tests and smoke runs).
        perceptual_seed: Seed of those random features.
        perceptual_architecture: That VGG, ``"vgg19"`` (the original's) or ``"vgg16"``.
    """

    segmentation_size: Size | None = (1024, 2048)
    synthesis_size: Size = (256, 512)
    dissimilarity_size: Size = (256, 512)
    fusion_weights: dict[str, float] = field(
        default_factory=lambda: {"dissimilarity": ANOMALY_WEIGHT, "entropy": ENTROPY_WEIGHT}
    )
    normalisation: str = Normalisation.ORIGINAL.value
    seed: int | None = None
    batch_size: int = 1
    max_pixels: int = DEFAULT_MAX_PIXELS
    perceptual_weights: str | None = None
    perceptual_seed: int = 0
    perceptual_architecture: str = "vgg19"

    def __post_init__(self) -> None:
        sizes = {
            "synthesis_size": self.synthesis_size,
            "dissimilarity_size": self.dissimilarity_size,
        }
        if self.segmentation_size is not None:
            sizes["segmentation_size"] = self.segmentation_size
        for name, size in sizes.items():
            if len(size) != 2 or not all(isinstance(side, int) and side > 0 for side in size):
                raise ValueError(f"Detector setting {name} must be (height, width) > 0, got {size}")
            object.__setattr__(self, name, tuple(size))
        if any(side % 8 for side in self.dissimilarity_size):
            raise ValueError(
                f"Detector setting dissimilarity_size must be multiples of 8, "
                f"got {self.dissimilarity_size}"
            )
        unknown = sorted(set(self.fusion_weights) - set(FUSABLE_METHODS))
        if unknown or not any(self.fusion_weights.values()):
            raise ValueError(
                f"Detector setting fusion_weights must weigh some of {FUSABLE_METHODS} "
                f"with a non-zero weight, got {self.fusion_weights}"
            )
        Normalisation(self.normalisation)
        for name in ("batch_size", "max_pixels"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(
                    f"Detector setting {name} must be a positive integer, got {value!r}"
                )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict; :meth:`from_dict` rebuilds the settings."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> DetectorSettings:
        """Settings from :meth:`to_dict` output; unknown keys are an error naming them.

        Detectors saved before the perceptual VGG became configurable name its file
        ``vgg19_weights``; they load as VGG19.
        """
        values = dict(values)
        if "vgg19_weights" in values:
            values["perceptual_weights"] = values.pop("vgg19_weights")
        return from_known_fields(cls, values, "detector settings")

    @classmethod
    def from_params(
        cls,
        map_params: Mapping[str, Any],
        evaluation_params: Mapping[str, Any],
        **overrides: Any,
    ) -> DetectorSettings:
        """The settings the project's networks were trained and evaluated with.

        Args:
            map_params: ``uncertainty_maps`` parameters: sizes, normalisation, style seed and the
                VGG of the perceptual difference.
            evaluation_params: ``evaluation`` parameters; ``fusion.weights`` weigh the score.
            **overrides: Other fields, e.g. ``batch_size`` and ``max_pixels``.

        Raises:
            ValueError: a parameter is invalid; the message names it.
        """
        maps = MapConfig.from_params(map_params, SynthesisLabels.PREDICTION)
        perceptual = map_params.get("perceptual") or {}
        fusion = evaluation_params.get("fusion") or {}
        return cls(
            segmentation_size=maps.segmentation_size,
            synthesis_size=maps.synthesis_size,
            dissimilarity_size=maps.perceptual_size,
            fusion_weights=dict(fusion.get("weights") or {}),
            normalisation=maps.normalisation.value,
            seed=maps.style_seed,
            perceptual_weights=perceptual.get("weights"),
            perceptual_seed=perceptual.get("seed", 0),
            perceptual_architecture=perceptual.get("architecture", "vgg19"),
            **overrides,
        )

    @classmethod
    def read(cls, directory: str | os.PathLike) -> DetectorSettings:
        """The settings of a detector saved in ``directory`` by :meth:`AnomalyDetector.save`.

        Raises:
            FileNotFoundError: ``directory`` holds no complete saved detector.
        """
        path = Path(directory) / SETTINGS_FILE
        if not path.is_file():
            raise FileNotFoundError(
                f"'{directory}' holds no saved anomaly detector (no {SETTINGS_FILE})"
            )
        return cls.from_dict(json.loads(path.read_text()))

    def map_config(self, device: torch.device) -> MapConfig:
        """The uncertainty-map settings for predicted labels on ``device``."""
        return MapConfig(
            segmentation_size=self.segmentation_size,
            synthesis_size=self.synthesis_size,
            perceptual_size=self.dissimilarity_size,
            synthesis_labels=SynthesisLabels.PREDICTION,
            normalisation=Normalisation(self.normalisation),
            style_seed=self.seed,
            batch_size=self.batch_size,
            device=device,
        )


#: The original end-to-end recipe (spec §1.3-1.4), spelled out: segmentation at 1024×2048,
#: synthesis and dissimilarity at 256×512, the original's entropy/distance normalisation and
#: the "ours" ensemble 0.75·p_anomaly + 0.25·entropy.
ORIGINAL_RECIPE = DetectorSettings(
    segmentation_size=(1024, 2048),
    synthesis_size=(256, 512),
    dissimilarity_size=(256, 512),
    fusion_weights={"dissimilarity": ANOMALY_WEIGHT, "entropy": ENTROPY_WEIGHT},
    normalisation=Normalisation.ORIGINAL.value,
)
#: The baseline variant has no ensemble: its score is the anomaly probability (spec §1.3 step 12).
ORIGINAL_BASELINE_FUSION = {"dissimilarity": 1.0}

#: Files of the authors' ``models.tar`` (spec §6.4), relative to its ``models/`` folder.
ORIGINAL_SEGMENTATION_FILE = Path("image-segmentation") / "cityscapes_best.pth"
ORIGINAL_GENERATOR_FILE = Path("image-synthesis") / "latest_net_G.pth"
ORIGINAL_ENCODER_FILE = Path("image-synthesis") / "latest_net_E.pth"
ORIGINAL_DISSIMILARITY_FILES = {
    "ours": Path("image-dissimilarity") / "best_net_baseline_void_prior_spadedecoder_mult_3.pth",
    "baseline": Path("image-dissimilarity") / "best_net_baseline_mult_3.pth",
}


@dataclass(frozen=True)
class AnomalyAnalysis:
    """Every map of one image, at the image's size.

    Attributes:
        anomaly: ``[H, W]`` float32 final anomaly score (the fusion), bilinearly resized.
        dissimilarity: ``[H, W]`` float32 anomaly probability of the dissimilarity network.
        semantic: ``[H, W]`` uint8 predicted Cityscapes train ids, NEAREST-resized.
        synthesis: ``[H, W, 3]`` uint8 re-synthesised image, bicubically resized.
        entropy: ``[H, W]`` float32 softmax entropy in ``[0, 1]``, bilinearly resized.
        distance: ``[H, W]`` float32 softmax distance in ``[0, 1]``, bilinearly resized.
        perceptual: ``[H, W]`` float32 perceptual difference in ``[0, 1]``, bilinearly resized.
    """

    anomaly: np.ndarray
    dissimilarity: np.ndarray
    semantic: np.ndarray
    synthesis: np.ndarray
    entropy: np.ndarray
    distance: np.ndarray
    perceptual: np.ndarray


@dataclass(frozen=True)
class _NetworkOutput:
    """One image's outputs at the networks' resolutions."""

    image: np.ndarray
    maps: ProcessedFrame
    scores: dict[str, np.ndarray]
    anomaly: np.ndarray


class AnomalyDetector:
    """SynBoost's pixel-wise anomaly detector (spec §1.3) on CPU or CUDA.

    Args:
        segmentation: ImageNet-normalised RGB ``[B, 3, H, W]`` → 19 train-id logits.
        synthesis: A :class:`~synboost_kedro.models.synthesis.SemanticImageSynthesiser`.
        dissimilarity: The dissimilarity network.
        perceptual: The VGG19 perceptual difference (a :class:`PerceptualDifference` or its
            ONNX export); built from ``settings`` when omitted.
        settings: Resolutions, fusion weights, seed, batch size and size limit.
        device: ``"auto"`` (CUDA when available), ``"cpu"``, ``"cuda[:i]"`` or a device.
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
    ) -> None:
        self.settings = settings = settings or DetectorSettings()
        self.device = device if isinstance(device, torch.device) else resolve_device(device)
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
        self._map_config = settings.map_config(self.device)
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
        """Build from this project's model files.

        Args:
            segmentation: A ``TorchModelDataset`` segmentation file.
            synthesis: A ``TorchModelDataset`` synthesis file.
            dissimilarity: A ``TorchModelDataset`` dissimilarity file or a
                :meth:`DissimilarityNet.save` file.
            perceptual_weights: Local torchvision state dict of the perceptual VGG (overrides
                ``settings``).
            settings: See :class:`DetectorSettings`; the original's resolutions by default.
            device: See :class:`AnomalyDetector`.

        Raises:
            FileNotFoundError, ValueError or ``DatasetError``: a file is missing or is not a
                model file of the expected kind; the message names it.
        """
        # On use: the datasets import Kedro, the detector itself does not.
        from synboost_kedro.datasets.torch_model import read_model_file

        settings = settings or DetectorSettings()
        if perceptual_weights is not None:
            settings = dataclasses.replace(settings, perceptual_weights=str(perceptual_weights))
        return cls(
            read_model_file(segmentation, "segmentation"),
            read_model_file(synthesis, "synthesis"),
            _read_dissimilarity(dissimilarity),
            settings=settings,
            device=device,
        )

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

        The networks are built through the model registries, so :meth:`save` writes files the
        pipelines' ``TorchModelDataset`` reads.

        Args:
            models_dir: The folder holding ``image-segmentation/``, ``image-synthesis/`` and
                ``image-dissimilarity/`` (spec §6.4).
            variant: ``"ours"`` (priors, fused with entropy) or ``"baseline"`` (no priors;
                the score is the anomaly probability).
            vgg19_weights: Local torchvision VGG19 state dict of the perceptual difference
                (overrides ``settings``); ``None`` keeps ``settings``' (random features when
                unset, for smoke runs only).
            device: See :class:`AnomalyDetector`.
            settings: Replaces :data:`ORIGINAL_RECIPE` (and the baseline's fusion), e.g. a
                smaller segmentation size.

        Raises:
            FileNotFoundError: release files are missing; the message lists every expected path
                that is not there.
            ValueError: ``variant`` is unknown, or a file does not fit its network (the message
                names the file and the offending keys).
        """
        segmentation, generator, encoder, dissimilarity = _release_paths(Path(models_dir), variant)
        if settings is None:
            settings = ORIGINAL_RECIPE
            if variant == "baseline":
                settings = dataclasses.replace(
                    settings, fusion_weights=dict(ORIGINAL_BASELINE_FUSION)
                )
        if vgg19_weights is not None:
            settings = dataclasses.replace(
                settings, perceptual_weights=str(vgg19_weights), perceptual_architecture="vgg19"
            )
        return cls(
            create_segmentation_model("wrn38_deeplabv3plus", checkpoint_path=str(segmentation)),
            create_synthesis_model(
                "ccfpse", generator_path=str(generator), encoder_path=str(encoder)
            ),
            _original_dissimilarity(dissimilarity, variant),
            settings=settings,
            device=device,
        )

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
            perceptual: An export of the VGG perceptual difference
                (:func:`~synboost_kedro.export.perceptual_spec`); ``None`` runs it in torch from
                ``settings.perceptual_weights``.
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
        from synboost_kedro.export.runtime import (
            OnnxDissimilarity,
            OnnxPerceptual,
            OnnxRuntimeNetwork,
            OnnxSegmentation,
            OnnxSynthesis,
            onnx_session,
        )

        settings = settings or DetectorSettings()
        if settings.seed is not None:
            raise ValueError(
                f"Detector setting seed must be None for ONNX networks (got {settings.seed}): "
                "the exported synthesis cannot sample a style"
            )

        def network(kind: type[OnnxRuntimeNetwork], source: OnnxSource, name: str):
            return kind(onnx_session(source, threads=threads, providers=providers), name)

        detector = cls(
            network(OnnxSegmentation, segmentation, "segmentation"),
            OnnxSynthesis(network(OnnxRuntimeNetwork, synthesis, "synthesis")),
            network(OnnxDissimilarity, dissimilarity, "dissimilarity"),
            perceptual=None
            if perceptual is None
            else network(OnnxPerceptual, perceptual, "perceptual"),
            settings=settings,
            device="cpu",
        )
        detector.runtime = "onnxruntime"
        return detector

    @classmethod
    def load(
        cls, directory: str | os.PathLike, device: str | torch.device = "auto"
    ) -> AnomalyDetector:
        """Rebuild a detector written by :meth:`save`.

        Raises:
            FileNotFoundError: ``directory`` holds no complete saved detector.
        """
        directory = Path(directory)
        return cls.from_checkpoints(
            *(directory / name for name in MODEL_FILES.values()),
            settings=DetectorSettings.read(directory),
            device=device,
        )

    @classmethod
    def from_mlflow(
        cls, run_id_or_model_uri: str, device: str | torch.device = "auto"
    ) -> AnomalyDetector:
        """Download a detector logged by the ``training_with_served_model`` pipeline.

        Args:
            run_id_or_model_uri: A run id (its model named ``anomaly_detector``), or any MLflow
                model URI (``runs:/<id>/anomaly_detector``, ``models:/<model id>``, a path).
            device: See :class:`AnomalyDetector`.

        Raises:
            FileNotFoundError: the downloaded model holds no saved detector.
        """
        import mlflow  # on use: slow to import, and only this constructor needs it

        uri = run_id_or_model_uri
        if ":" not in uri and not Path(uri).exists():
            uri = f"runs:/{uri}/{MLFLOW_MODEL_NAME}"
        local = Path(mlflow.artifacts.download_artifacts(artifact_uri=uri))
        found = sorted(local.rglob(SETTINGS_FILE))
        if not found:
            raise FileNotFoundError(f"MLflow model '{uri}' holds no saved anomaly detector")
        return cls.load(found[0].parent, device=device)

    def save(self, directory: str | os.PathLike) -> None:
        """Write the networks and settings to ``directory``, each file atomically.

        The VGG of the perceptual difference is not copied: it is rebuilt from
        ``settings.perceptual_weights`` (or its seed) when loading.
        """
        if self.runtime != "torch":
            raise ValueError(
                f"A detector running in {self.runtime} cannot be saved as torch model files; "
                "keep the .onnx files it was built from"
            )
        # On use: the datasets import Kedro, the detector itself does not.
        from synboost_kedro.datasets.torch_model import write_model_file

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        networks = {
            "segmentation": self.map_models.segmentation,
            "synthesis": self.map_models.synthesis,
        }
        for kind, network in networks.items():
            write_model_file(network, directory / MODEL_FILES[kind])
        dissimilarity_path = directory / MODEL_FILES["dissimilarity"]
        if hasattr(self.dissimilarity, BUILD_CONFIG_ATTRIBUTE):
            write_model_file(self.dissimilarity, dissimilarity_path)
        else:
            self.dissimilarity.save(dissimilarity_path)
        atomic_write_bytes(
            directory / SETTINGS_FILE, json.dumps(self.settings.to_dict(), indent=2).encode()
        )

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
        return full_size_analysis(next(iter(self._run_in_memory([image]))))

    def analyse_stream(
        self, loaders: Mapping[str, ImageLoader]
    ) -> Iterator[tuple[str, np.ndarray, AnomalyAnalysis]]:
        """``(name, RGB image, analysis)`` of each named image, in sorted name order.

        Images are loaded lazily and only the current batch is in memory, so this suits folders
        of any length.

        Raises:
            ValueError: an image is not an image, is empty or exceeds ``max_pixels``; the message
                names it.
        """
        for name, output in self._run(loaders, sorted(loaders)):
            yield name, output.image, full_size_analysis(output)

    # ---------------------------------------------------------------------------- internals
    def _run_in_memory(self, images: Iterable[ImageLike]) -> list[_NetworkOutput]:
        arrays = [self._checked(image, f"image {index}") for index, image in enumerate(images)]
        names = [_content_name(array) for array in arrays]
        loaders = {
            name: (lambda array=array: array) for name, array in zip(names, arrays, strict=True)
        }
        outputs = dict(self._run(loaders, sorted(loaders)))
        return [outputs[name] for name in names]

    def _run(
        self, loaders: Mapping[str, ImageLoader], names: Sequence[str]
    ) -> Iterator[tuple[str, _NetworkOutput]]:
        # compute_maps loads frames in this process (no workers), so at most one batch of
        # decoded images waits here for the dissimilarity network.
        pending: dict[str, np.ndarray] = {}

        def frame_loader(name: str) -> ProcessedFrame:
            pending[name] = self._checked(loaders[name](), name)
            return ProcessedFrame(name, image=pending[name])

        frames = compute_maps(
            {name: (lambda name=name: frame_loader(name)) for name in names},
            names,
            self.map_models,
            self._map_config,
        )
        for batch in _chunks(frames, self.settings.batch_size):
            images = [pending.pop(maps.frame_id) for maps in batch]
            yield from zip(
                (maps.frame_id for maps in batch),
                self._dissimilarity_stage(images, batch),
                strict=True,
            )

    def _dissimilarity_stage(
        self, images: list[np.ndarray], maps: list[ProcessedFrame]
    ) -> list[_NetworkOutput]:
        height, width = self.settings.dissimilarity_size
        samples = [
            prepare_sample(
                ProcessedFrame(frame.frame_id, image=image),
                frame,
                height,
                width,
                semantic_source="prediction",
                label_required=False,
            )
            for image, frame in zip(images, maps, strict=True)
        ]
        probabilities = dissimilarity_probabilities(self.dissimilarity, samples, self.device)
        outputs = []
        for image, frame, sample, probability in zip(
            images, maps, samples, probabilities.numpy(), strict=True
        ):
            scores = {
                "dissimilarity": probability,
                "entropy": sample["entropy"][0].numpy(),
                "perceptual": sample["mae"][0].numpy(),
                "distance": sample["distance"][0].numpy(),
            }
            anomaly = fuse_scores(scores, self.settings.fusion_weights)
            outputs.append(_NetworkOutput(image, frame, scores, anomaly))
        return outputs

    def _checked(self, image: ImageLike, name: str) -> np.ndarray:
        try:
            array = rgb_array(image)
        except ValueError as error:
            raise ValueError(f"'{name}': {error}") from None
        height, width = array.shape[:2]
        if height * width > self.settings.max_pixels:
            raise ValueError(
                f"'{name}' has {width}x{height} = {height * width} pixels, more than the "
                f"detector's limit max_pixels = {self.settings.max_pixels}; downscale it or "
                "raise the limit"
            )
        return array


def full_size_analysis(output: _NetworkOutput) -> AnomalyAnalysis:
    """Resize every map of ``output`` to its image's size (labels NEAREST, scores bilinear)."""
    height, width = output.image.shape[:2]
    maps = output.maps

    def score(values: np.ndarray | torch.Tensor) -> np.ndarray:
        return resize_scores(torch.as_tensor(values), height, width)

    return AnomalyAnalysis(
        anomaly=score(output.anomaly),
        dissimilarity=score(output.scores["dissimilarity"]),
        semantic=resize_array(maps.semantic, (height, width), Image.Resampling.NEAREST),
        synthesis=resize_array(maps.synthesis, (height, width), Image.Resampling.BICUBIC),
        entropy=score(uint8_to_unit(maps.entropy)),
        distance=score(uint8_to_unit(maps.distance)),
        perceptual=score(uint8_to_unit(maps.perceptual)),
    )


def _read_dissimilarity(path: str | os.PathLike) -> nn.Module:
    """A dissimilarity network from a ``TorchModelDataset`` or ``DissimilarityNet.save`` file."""
    # On use: the datasets import Kedro, the detector itself does not.
    from synboost_kedro.datasets.torch_model import read_model_file

    path = Path(path)
    if path.is_file():
        # Memory-mapped, so telling the two formats apart does not read the tensors.
        stored = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
        if isinstance(stored, Mapping) and stored.get("format") == CHECKPOINT_FORMAT:
            return DissimilarityNet.load(path)
    return read_model_file(path, "dissimilarity")


def _release_paths(models_dir: Path, variant: str) -> tuple[Path, Path, Path, Path]:
    """The four release files of ``variant`` under ``models_dir``, all checked to exist."""
    if variant not in ORIGINAL_DISSIMILARITY_FILES:
        raise ValueError(
            f"Unknown release variant '{variant}'; choose one of "
            f"{sorted(ORIGINAL_DISSIMILARITY_FILES)}"
        )
    paths = tuple(
        models_dir / name
        for name in (
            ORIGINAL_SEGMENTATION_FILE,
            ORIGINAL_GENERATOR_FILE,
            ORIGINAL_ENCODER_FILE,
            ORIGINAL_DISSIMILARITY_FILES[variant],
        )
    )
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        raise FileNotFoundError(
            f"The SynBoost release ({variant}) under '{models_dir}' lacks "
            + ", ".join(f"'{path}'" for path in missing)
            + "; extract the authors' models.tar there (its models/ folder)"
        )
    return paths


def _original_dissimilarity(path: Path, variant: str) -> DissimilarityNet:
    """The released dissimilarity network, with the build config ``TorchModelDataset`` saves."""
    options = DissimilarityConfig.preset(variant).to_dict()
    architecture = options.pop("architecture")
    network = DissimilarityNet.from_original_checkpoint(path, variant)
    return attach_build_config(network, "dissimilarity", architecture, options)


def _content_name(image: np.ndarray) -> str:
    digest = hashlib.sha256(np.ascontiguousarray(image).tobytes())
    digest.update(repr(image.shape).encode())
    return digest.hexdigest()[:16]


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
