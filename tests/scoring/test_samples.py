import numpy as np
import pytest
import torch
from PIL import Image

from synboost_kedro.models.dissimilarity.inputs import IMAGENET_MEAN, IMAGENET_STD
from synboost_kedro.scoring import pair_frames, prepare_sample, resize_nearest
from tests.conftest import make_pair


@pytest.mark.parametrize("size", [(16, 32), (13, 50), (40, 70)])
def test_resize_nearest_equals_pil_nearest(size):
    values = np.random.default_rng(0).integers(0, 256, (32, 64), dtype=np.uint8)
    height, width = size

    resized = resize_nearest(values, height, width)[0].numpy()

    expected = np.asarray(Image.fromarray(values).resize((width, height), Image.NEAREST))
    np.testing.assert_array_equal(resized, expected)


def test_sample_is_normalised_one_hot_and_scaled_as_the_original():
    frame, maps = make_pair("f", 32, 64, seed=1)

    sample = prepare_sample(frame, maps, 16, 32)

    assert sample["image"].shape == sample["synthesis"].shape == (3, 16, 32)
    mean = torch.tensor(IMAGENET_MEAN).view(3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(3, 1, 1)
    pixels = torch.from_numpy(frame.image[1::2, 1::2].copy()).permute(2, 0, 1).float() / 255
    torch.testing.assert_close(sample["image"], (pixels - mean) / std)
    assert sample["semantic"].shape == (19, 16, 32)
    # Row 0 of the semantic map is void: all channels zero; elsewhere exactly one channel is hot.
    assert sample["semantic"][:, 0].sum() == 0
    assert torch.all(sample["semantic"][:, 1:].sum(0) == 1)
    assert sample["entropy"].shape == (1, 16, 32)
    assert 0 <= sample["mae"].min() and sample["mae"].max() <= 1
    torch.testing.assert_close(
        sample["distance"][0], torch.from_numpy(maps.distance[1::2, 1::2] / 255).float()
    )
    assert sample["label"].dtype == torch.long
    assert set(sample["label"].unique().tolist()) == {0, 1, 255}


def test_prediction_source_reads_the_semantic_map_of_the_maps():
    frame, maps = make_pair("f", 16, 32, seed=1)
    predicted = np.full_like(maps.semantic, 7)
    maps = type(maps)(**{**maps.__dict__, "semantic": predicted})

    sample = prepare_sample(frame, maps, 16, 32, semantic_source="prediction")

    assert torch.all(sample["semantic"][7] == 1)


def test_inference_samples_need_no_label():
    frame, maps = make_pair("f", 16, 32, seed=1)
    unlabelled = type(frame)(frame.frame_id, image=frame.image)

    sample = prepare_sample(
        unlabelled, maps, 16, 32, semantic_source="prediction", label_required=False
    )

    assert "label" not in sample
    with pytest.raises(ValueError, match=r"lacks \['label'\]"):
        prepare_sample(unlabelled, maps, 16, 32, semantic_source="prediction")


def test_missing_maps_are_reported_by_frame_id():
    loaders = {"a": None, "b": None}

    with pytest.raises(ValueError, match=r"1 frame\(s\) without maps \(e.g. \['b'\]\)"):
        pair_frames(loaders, {"a": None}, "dissimilarity_train")
