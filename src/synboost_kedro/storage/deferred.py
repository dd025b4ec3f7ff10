"""Datasets whose ``save()`` does the work: the producer protocol of maps and scores.

A set's uncertainty maps or scores do not fit in memory, so the node that computes them returns a
*producer* and the catalog dataset drives it while writing. The dataset knows which frames are
stored already, so it asks the producer only for the others: an interrupted run resumes frame
by frame, and every file is written atomically, so no frame is ever half-stored.
``ProcessedDataset`` (maps, prepared frames) and ``ScoreMapDataset`` (scores) share this.

A producer spread over several processes instead offers ``write_into(dataset)``: each rank
saves its own share through the same dataset (``uncertainty/sharding.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from synboost_kedro.utils.progress import progress_bar

Item_co = TypeVar("Item_co", covariant=True)


class FrameProducer(Protocol[Item_co]):
    """Computes the items of a set's frames on demand."""

    def frame_ids(self) -> Sequence[str]:
        """Every frame it can produce."""
        ...

    def __call__(self, skip: set[str]) -> Iterator[Item_co]:
        """The items of every frame not in ``skip``."""
        ...


def write_pending(
    data: Mapping[str, Any] | FrameProducer[Any],
    stored: set[str],
    item_of: Callable[[str, Any], Any],
    write: Callable[[Any], None],
    description: str,
) -> tuple[int, int]:
    """Write every item of ``data`` whose frame is not in ``stored``.

    Args:
        data: A :class:`FrameProducer`, or a mapping of frame ids to values.
        stored: Frames already on disk, skipped.
        item_of: Turns a mapping's ``(frame id, value)`` into the item a producer would yield.
        write: Writes one item.
        description: The progress bar's label.

    Returns:
        ``(written, skipped)`` frame counts.
    """
    if isinstance(data, Mapping):
        frame_ids = list(data)
        items = (
            item_of(frame_id, data[frame_id]) for frame_id in frame_ids if frame_id not in stored
        )
    else:
        frame_ids = list(data.frame_ids())
        items = data(stored)
    skipped = len(stored.intersection(frame_ids))
    written = 0
    for item in progress_bar(items, description, "frame", total=len(frame_ids) - skipped):
        write(item)
        written += 1
    return written, skipped
