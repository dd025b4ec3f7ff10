"""The workloads ``benchmarks/gpu.py`` times, each run as the project runs it.

A workload builds its networks once (random weights: speed does not depend on their values) and
returns, for one precision and with or without ``torch.compile``, a function doing one unit of
work and returning what is compared with float32: probabilities, maps, images, or the loss of
the first training step (every training run starts from the same weights and batch).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from synboost_kedro.frames import IGNORE
from synboost_kedro.inference import AnomalyDetector, DetectorSettings
from synboost_kedro.models.dissimilarity import PRESETS, DissimilarityNet, random_inputs
from synboost_kedro.models.dissimilarity.inputs import imagenet_normalise
from synboost_kedro.models.perceptual import PerceptualDifference
from synboost_kedro.models.segmentation.deeplabv3plus import WRN38DeepLabV3Plus
from synboost_kedro.models.synthesis.ccfpse import build_ccfpse
from synboost_kedro.scoring import dissimilarity_probabilities
from synboost_kedro.training.dissimilarity_step import TrainingStep, compiled_for_training
from synboost_kedro.uncertainty import MapModels
from synboost_kedro.uncertainty.softmax_maps import softmax_uncertainty
from synboost_kedro.utils.compilation import CompiledNetwork
from synboost_kedro.utils.precision import Precision

#: The demo's class weights of the dissimilarity loss (normal, anomaly).
CLASS_WEIGHTS = (1.46494611, 16.5204619)
COMPILE_OPTION = "benchmarks/gpu.py --compile"
Run = Callable[[], torch.Tensor]


@dataclass(frozen=True)
class Sizes:
    """Resolutions ``(H, W)`` and counts of one benchmark run.

    Attributes:
        segmentation: Segmentation input, and the size of the end-to-end images.
        synthesis: Synthesis output (CC-FPSE's smallest is 64×128).
        dissimilarity: Perceptual difference and dissimilarity input.
        batch: Training batch of the fixed-batch rows.
        images: Images per end-to-end run.
        repeats: Timed calls per row (the median is reported).
    """

    segmentation: tuple[int, int]
    synthesis: tuple[int, int]
    dissimilarity: tuple[int, int]
    batch: int
    images: int
    repeats: int


#: The paper's resolutions (docs/method.md, "Sizes and constants").
PAPER = Sizes((1024, 2048), (256, 512), (256, 512), batch=4, images=8, repeats=5)
#: ``--quick``: the same table at CPU-friendly sizes.
QUICK = Sizes((64, 128), (64, 128), (64, 128), batch=2, images=1, repeats=1)


def dissimilarity_network(device: torch.device) -> DissimilarityNet:
    """The full-width "ours" network in eval mode, laid out as evaluation and inference run it."""
    torch.manual_seed(0)
    network = DissimilarityNet(PRESETS["ours"]).to(device).eval()
    return network.optimize_for_cpu() if device.type == "cpu" else network


class DissimilarityForward:
    """Anomaly probabilities of one frame, as evaluation and inference compute them."""

    def __init__(self, device: torch.device, sizes: Sizes) -> None:
        self.device = device
        self.network = dissimilarity_network(device)
        inputs = random_inputs(batch=1, height=sizes.dissimilarity[0], width=sizes.dissimilarity[1])
        self.samples = [{name: tensor[0] for name, tensor in inputs.items()}]

    def runner(self, precision: Precision, compiled: bool) -> Run:
        network = CompiledNetwork(self.network, COMPILE_OPTION) if compiled else self.network
        return lambda: dissimilarity_probabilities(network, self.samples, self.device, precision)


class TrainingSteps:
    """Training steps of the dissimilarity network, as ``dissimilarity_training`` runs them
    (channels-last on CUDA unless ``channels_last`` is false)."""

    def __init__(self, device: torch.device, sizes: Sizes, channels_last: bool = True) -> None:
        torch.manual_seed(0)
        self.initial = DissimilarityNet(PRESETS["ours"]).to(device).train()
        if device.type == "cuda" and channels_last:
            self.initial.use_channels_last()
        self.device = device
        self.size = sizes.dissimilarity

    def batch(self, size: int) -> dict[str, torch.Tensor]:
        inputs = random_inputs(batch=size, height=self.size[0], width=self.size[1], seed=size)
        generator = torch.Generator().manual_seed(size)
        label = torch.randint(0, 2, (size, *self.size), generator=generator)
        label[:, :2] = IGNORE
        return {name: tensor.to(self.device) for name, tensor in {**inputs, "label": label}.items()}

    def runner(self, precision: Precision, compiled: bool, batch_size: int) -> Run:
        network = copy.deepcopy(self.initial)
        criterion = nn.CrossEntropyLoss(
            weight=torch.tensor(CLASS_WEIGHTS, device=self.device), ignore_index=IGNORE
        )
        optimizer = torch.optim.Adam(network.parameters(), lr=1e-4, betas=(0.5, 0.999))
        step = TrainingStep(
            compiled_for_training(network, compiled),
            criterion,
            optimizer,
            precision,
            precision.grad_scaler(),
        )
        batch = self.batch(batch_size)
        return lambda: torch.tensor(step(batch))


class MapNetworks:
    """The original release's map networks (WRN38 DeepLabV3+, CC-FPSE, VGG19), one call each
    as map generation makes it (channels-last, the softmax maps in float32)."""

    def __init__(self, device: torch.device, sizes: Sizes) -> None:
        torch.manual_seed(0)
        height, width = sizes.synthesis
        self.models = MapModels(
            WRN38DeepLabV3Plus().eval(),
            build_ccfpse(crop_size=width),
            PerceptualDifference(architecture="vgg19"),
        ).prepared(device, channels_last=True)
        generator = torch.Generator().manual_seed(0)

        def image(size: tuple[int, int]) -> torch.Tensor:
            unit = torch.rand(1, 3, *size, generator=generator).to(device)
            return unit.contiguous(memory_format=torch.channels_last)

        self.frame = image(sizes.segmentation)
        self.synthesis_image = image(sizes.synthesis)
        self.pair = (image(sizes.dissimilarity), image(sizes.dissimilarity))
        label_ids = torch.randint(0, 34, (1, height, width), generator=generator)
        self.label_ids = label_ids.to(device)

    def segmentation(self, precision: Precision) -> Run:
        def run() -> torch.Tensor:
            with precision.autocast():
                logits = self.models.segmentation(imagenet_normalise(self.frame))
            return softmax_uncertainty(logits).entropy

        return run

    def synthesis(self, precision: Precision) -> Run:
        def run() -> torch.Tensor:
            with precision.autocast():
                image = self.models.synthesis.synthesise(
                    self.label_ids, None, self.synthesis_image * 2 - 1
                )
            return image.float()

        return run

    def perceptual(self, precision: Precision) -> Run:
        def run() -> torch.Tensor:
            with precision.autocast():
                return self.models.perceptual(*(imagenet_normalise(image) for image in self.pair))

        return run


class EndToEnd:
    """``AnomalyDetector.predict`` on street-sized images: every network, resizing and fusion."""

    def __init__(self, device: torch.device, sizes: Sizes, maps: MapNetworks) -> None:
        self.device = device
        self.maps = maps.models
        self.network = dissimilarity_network(device)
        self.settings = DetectorSettings(
            segmentation_size=sizes.segmentation,
            synthesis_size=sizes.synthesis,
            dissimilarity_size=sizes.dissimilarity,
            batch_size=1,
        )
        rng = np.random.default_rng(0)
        shape = (*sizes.segmentation, 3)
        self.images = [rng.integers(0, 256, shape, dtype=np.uint8) for _ in range(sizes.images)]

    def runner(self, precision: Precision, compiled: bool) -> Run:
        detector = AnomalyDetector(
            self.maps.segmentation,
            self.maps.synthesis,
            self.network,
            perceptual=self.maps.perceptual,
            settings=self.settings,
            device=self.device,
            precision=precision.name,
            compile=compiled,
        )
        return lambda: torch.from_numpy(detector.predict(self.images)[0])
