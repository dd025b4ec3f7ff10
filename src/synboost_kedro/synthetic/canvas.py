"""The drawing surface: image, label ids and instance ids painted together (painter's algorithm)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from synboost_kedro.cityscapes import INSTANCE_LABEL_IDS
from synboost_kedro.frames import CityscapesFrame
from synboost_kedro.synthetic.shapes import Stamp
from synboost_kedro.synthetic.textures import Appearance, NoiseFields

#: Label painted under anomaly objects; never part of a rendered Cityscapes frame.
ANOMALY_LABEL_ID = 255


@dataclass
class Canvas:
    """Image and label maps drawn in the same strokes, so every labelled pixel shows its class.

    Later strokes overwrite earlier ones, which is how nearer objects occlude farther ones in the
    image, the label map and the instance map alike.
    """

    noise: NoiseFields
    image: np.ndarray
    label_ids: np.ndarray
    instance_ids: np.ndarray
    _instances_per_label: Counter = field(default_factory=Counter)

    @classmethod
    def blank(cls, noise: NoiseFields) -> Canvas:
        height, width = noise.fine.shape
        return cls(
            noise=noise,
            image=np.zeros((height, width, 3), dtype=np.float32),
            label_ids=np.zeros((height, width), dtype=np.uint8),
            instance_ids=np.zeros((height, width), dtype=np.int32),
        )

    @property
    def shape(self) -> tuple[int, int]:
        return self.label_ids.shape

    def new_instance_id(self, label_id: int) -> int:
        """The next Cityscapes instance id ``label_id * 1000 + k`` of this frame."""
        if label_id not in INSTANCE_LABEL_IDS:
            raise ValueError(f"Label id {label_id} is not a Cityscapes instance class")
        k = self._instances_per_label[label_id]
        self._instances_per_label[label_id] += 1
        return label_id * 1000 + k

    def paint(
        self,
        stamp: Stamp | None,
        appearance: Appearance,
        label_id: int,
        instance_id: int | None = None,
        shade: float | np.ndarray = 1.0,
    ) -> None:
        """Paint the stamp's pixels with the appearance and the label (and instance) id.

        Args:
            stamp: Where to paint; ``None`` (a shape entirely outside the frame) paints nothing.
            appearance: The surface look.
            label_id: Cityscapes label id written under the stamp.
            instance_id: Instance id written under the stamp; the label id when ``None``.
            shade: Brightness factor, a scalar or a frame-sized ``[H, W]`` array.
        """
        if stamp is None:
            return
        rows, cols = stamp.pixels
        colours = appearance.render(self.noise, stamp)
        shade = np.asarray(shade, dtype=np.float32)
        if shade.ndim == 2:
            shade = shade[rows, cols][:, None]
        self.image[rows, cols] = colours * shade
        self.label_ids[rows, cols] = label_id
        self.instance_ids[rows, cols] = label_id if instance_id is None else instance_id

    def darken(self, stamp: Stamp | None, factor: float, label_ids: tuple[int, ...]) -> None:
        """Darken the stamp's pixels that carry one of ``label_ids`` (a cast shadow)."""
        if stamp is None:
            return
        rows, cols = stamp.rows, stamp.cols
        shadowed = stamp.mask & np.isin(self.label_ids[rows, cols], label_ids)
        self.image[rows, cols][shadowed] *= factor

    def relight(self, gain: np.ndarray) -> None:
        """Multiply the image by a gain broadcastable to ``[H, W, 3]``; the labels are unchanged."""
        self.image *= gain

    def to_cityscapes_frame(self, frame_id: str) -> CityscapesFrame:
        return CityscapesFrame(
            frame_id=frame_id,
            image=self.rgb(),
            label_ids=self.label_ids.copy(),
            instance_ids=self.instance_ids.copy(),
        )

    def rgb(self) -> np.ndarray:
        """The image as ``[H, W, 3]`` uint8."""
        return np.clip(np.rint(self.image), 0, 255).astype(np.uint8)
