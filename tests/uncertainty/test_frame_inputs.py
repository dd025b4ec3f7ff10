import numpy as np
import torch
from PIL import Image

from synboost_kedro.uncertainty import SynthesisLabels
from synboost_kedro.uncertainty.frame_inputs import FrameInputs, batches_by_size, resize_array
from tests.uncertainty.conftest import config, frame_loaders


def _sample(name, height):
    return {"frame_id": name, "segmentation_image": torch.zeros(3, height, 4, dtype=torch.uint8)}


def test_batches_hold_one_size_each_and_flush_the_rest_at_the_end():
    samples = [_sample("a", 2), _sample("b", 3), _sample("c", 2), _sample("d", 3), _sample("e", 2)]

    batches = [[sample["frame_id"] for sample in batch] for batch in batches_by_size(samples, 2)]

    assert batches == [["a", "c"], ["b", "d"], ["e"]]


def test_resizing_uses_pillow_and_leaves_matching_sizes_alone():
    image = np.random.default_rng(0).integers(0, 256, (10, 20, 3), dtype=np.uint8)

    resized = resize_array(image, (5, 8), Image.Resampling.BICUBIC)

    expected = np.asarray(Image.fromarray(image).resize((8, 5), Image.Resampling.BICUBIC))
    assert np.array_equal(resized, expected)
    assert resize_array(image, (10, 20), Image.Resampling.BICUBIC) is image
    assert resize_array(image, None, Image.Resampling.BICUBIC) is image


def test_annotated_samples_carry_label_maps_with_unknown_as_35():
    loaders = frame_loaders(1)
    frame_id = next(iter(loaders))
    frame = loaders[frame_id]()
    label_ids = frame.label_ids.copy()
    label_ids[0, 0] = 255
    loaders = {
        frame_id: lambda: type(frame)(
            frame_id, frame.image, label_ids=label_ids, instance_ids=frame.instance_ids
        )
    }
    settings = config(synthesis_labels=SynthesisLabels.ANNOTATION, synthesis_size=(40, 72))

    sample = FrameInputs(loaders, [frame_id], settings)[0]

    assert sample["segmentation_image"].shape == (3, 32, 64)
    assert sample["perceptual_image"].shape == (3, 16, 32)
    assert sample["label_ids"].dtype == torch.int64
    assert int(sample["label_ids"][0, 0]) == 35
    assert torch.equal(
        sample["instance_ids"], torch.from_numpy(frame.instance_ids.astype(np.int64))
    )
