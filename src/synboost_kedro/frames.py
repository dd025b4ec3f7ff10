"""In-memory records of one frame, shared by datasets, generator and pipelines (Kedro-free)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Values of an anomaly mask (the Fishyscapes / SegmentMeIfYouCan convention).
NORMAL, ANOMALY, IGNORE = 0, 1, 255

#: The standard anomaly scores of a segmentation network's logits, each a
#: :class:`ProcessedFrame` field: 1 − max softmax, −max logit, −logsumexp (energy), and the max
#: logit standardised by its predicted class's statistics (docs/evaluation.md, "Baselines").
LOGIT_BASELINES: tuple[str, ...] = (
    "max_softmax",
    "max_logit",
    "energy",
    "standardized_max_logit",
)


@dataclass(frozen=True)
class CityscapesFrame:
    """One Cityscapes frame: RGB image with its fine label-id and instance-id maps.

    Attributes:
        frame_id: ``<city>_<sequence>_<frame>``, e.g. ``aachen_000000_000019``.
        image: ``[H, W, 3]`` uint8 RGB.
        label_ids: ``[H, W]`` uint8 Cityscapes label ids (0..33).
        instance_ids: ``[H, W]`` int32; ``classId * 1000 + k`` on instances of instance classes, the
            label id elsewhere (the ``gtFine_instanceIds.png`` convention).
    """

    frame_id: str
    image: np.ndarray
    label_ids: np.ndarray
    instance_ids: np.ndarray

    @property
    def city(self) -> str:
        return self.frame_id.split("_")[0]


@dataclass(frozen=True)
class AnomalyFrame:
    """One frame of an anomaly benchmark in the common form.

    Attributes:
        frame_id: The benchmark's frame id.
        image: ``[H, W, 3]`` uint8 RGB.
        mask: ``[H, W]`` uint8 with 1 = anomaly, 0 = normal, 255 = void / outside the region
            of interest.
    """

    frame_id: str
    image: np.ndarray
    mask: np.ndarray


@dataclass(frozen=True)
class ProcessedFrame:
    """One frame of a processed SynBoost dataset (the original's folder layout, docs/method.md,
    "Processed dataset layout").

    Every map is optional: a dataset stores only the fields it is configured with.

    Attributes:
        frame_id: Frame id shared by every folder.
        image: ``[H, W, 3]`` uint8 RGB (``original/``).
        semantic: ``[H, W]`` uint8 train ids, 255 = void (``semantic/``).
        label_ids: ``[H, W]`` uint8 Cityscapes label ids fed to synthesis (``semantic_labelIds/``).
        instance_ids: ``[H, W]`` int32 instance ids (``instances/``).
        label: ``[H, W]`` uint8 anomaly mask, 1 / 0 / 255 (``labels/``).
        synthesis: ``[H, W, 3]`` uint8 re-synthesised RGB (``synthesis/``).
        entropy: ``[H, W]`` uint8 softmax entropy (``entropy/``).
        distance: ``[H, W]`` uint8 softmax distance (``logit_distance/``).
        perceptual: ``[H, W]`` uint8 perceptual difference (``mae_features/``).
        max_softmax, max_logit, energy, standardized_max_logit: ``[H, W]`` float scores of
            :data:`LOGIT_BASELINES`, higher = more anomalous (``<name>/``, float16 ``.npy``).
    """

    frame_id: str
    image: np.ndarray | None = None
    semantic: np.ndarray | None = None
    label_ids: np.ndarray | None = None
    instance_ids: np.ndarray | None = None
    label: np.ndarray | None = None
    synthesis: np.ndarray | None = None
    entropy: np.ndarray | None = None
    distance: np.ndarray | None = None
    perceptual: np.ndarray | None = None
    max_softmax: np.ndarray | None = None
    max_logit: np.ndarray | None = None
    energy: np.ndarray | None = None
    standardized_max_logit: np.ndarray | None = None
