import dataclasses

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn

from synboost_kedro.cityscapes import TRAIN_TO_LABEL_ID
from synboost_kedro.frames import LOGIT_BASELINES
from synboost_kedro.models.dissimilarity.inputs import imagenet_normalise
from synboost_kedro.uncertainty import MapConfig, MapProducer, SynthesisLabels, compute_maps
from synboost_kedro.uncertainty.logit_baselines import (
    MaxLogitAccumulator,
    MaxLogitStatistics,
    logit_baselines,
)
from synboost_kedro.uncertainty.map_generation import measure_max_logit_statistics
from synboost_kedro.uncertainty.softmax_maps import softmax_uncertainty
from tests.uncertainty.conftest import config, frame_loaders, processed_frame

MAP_FIELDS = ("semantic", "synthesis", "entropy", "distance", "perceptual")


def _run(loaders, models, settings, frame_ids=None):
    ids = sorted(loaders) if frame_ids is None else frame_ids
    return {frame.frame_id: frame for frame in compute_maps(loaders, ids, models, settings)}


def _resize(array, size, resample):
    return np.asarray(Image.fromarray(array).resize(size[::-1], resample))


def _unit(array_hwc: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(array_hwc).permute(2, 0, 1)[None].float() / 255


@pytest.mark.parametrize("source", list(SynthesisLabels))
def test_maps_are_uint8_at_the_configured_sizes(models, source):
    frames = _run(frame_loaders(2), models, config(synthesis_labels=source))

    frame = frames["testcity_000001_000019"]
    assert sorted(frames) == ["testcity_000000_000019", "testcity_000001_000019"]
    assert {name: getattr(frame, name).shape for name in MAP_FIELDS} == {
        "semantic": (32, 64),
        "synthesis": (16, 32, 3),
        "entropy": (32, 64),
        "distance": (32, 64),
        "perceptual": (16, 32),
    }
    assert all(getattr(frame, name).dtype == np.uint8 for name in MAP_FIELDS)
    assert frame.semantic.max() < 19


def test_softmax_maps_and_prediction_come_from_the_bicubic_resized_image(models):
    frames = _run(frame_loaders(1), models, config())
    frame_id, frame = next(iter(frames.items()))

    image = _resize(processed_frame(frame_id).image, (32, 64), Image.Resampling.BICUBIC)
    with torch.no_grad():
        logits = models.segmentation(imagenet_normalise(_unit(image)))
    expected = softmax_uncertainty(logits)
    assert np.array_equal(frame.semantic, expected.prediction[0].numpy())
    assert np.array_equal(frame.entropy, np.floor(expected.entropy[0].numpy() * 255))
    assert np.array_equal(frame.distance, np.floor(expected.distance[0].numpy() * 255))


@pytest.mark.parametrize("source", list(SynthesisLabels))
def test_synthesis_is_drawn_from_the_annotated_or_the_predicted_label_map(models, source):
    frames = _run(frame_loaders(1), models, config(synthesis_labels=source))
    frame_id, frame = next(iter(frames.items()))

    original = processed_frame(frame_id)
    if source is SynthesisLabels.ANNOTATION:
        label_ids = _resize(original.label_ids, (16, 32), Image.Resampling.NEAREST)
        instance_ids = _resize(original.instance_ids, (16, 32), Image.Resampling.NEAREST)
        instances = torch.from_numpy(instance_ids.astype(np.int64))[None]
    else:
        predicted = TRAIN_TO_LABEL_ID[frame.semantic]
        label_ids = _resize(predicted, (16, 32), Image.Resampling.NEAREST)
        instances = None
    image = _unit(_resize(original.image, (16, 32), Image.Resampling.BICUBIC)) * 2 - 1
    with torch.no_grad():
        labels = torch.from_numpy(label_ids.astype(np.int64))[None]
        expected = models.synthesis.synthesise(labels, instances, image)
    expected = ((expected[0].permute(1, 2, 0) + 1) / 2 * 255).clamp(0, 255).to(torch.uint8)
    assert np.abs(frame.synthesis.astype(int) - expected.numpy().astype(int)).max() <= 1


def _direct_perceptual(features: nn.Sequential, image: torch.Tensor, synthesis: torch.Tensor):
    """docs/method.md, "Perceptual difference" written out level by level on vgg19.features
    indices."""
    levels = [(0, 2, 1 / 32), (2, 7, 1 / 16), (7, 12, 1 / 8), (12, 21, 1 / 4), (21, 30, 1.0)]
    x, y = imagenet_normalise(image), imagenet_normalise(synthesis)
    total = torch.zeros(1, 1, *image.shape[-2:])
    for start, stop, weight in levels:
        for layer in features[start:stop]:
            x, y = layer(x), layer(y)
        level = (x - y).abs().mean(dim=1, keepdim=True)
        total += weight * F.interpolate(level, size=image.shape[-2:], mode="bicubic")
    normalised = (total - total.min()) / (total.max() - total.min())
    return (normalised * 255).to(torch.uint8)[0, 0].numpy()


def test_perceptual_map_matches_a_direct_per_level_computation(models, perceptual):
    settings = config(synthesis_size=(32, 64), perceptual_size=(16, 32))
    frames = _run(frame_loaders(1), models, settings)
    frame_id, frame = next(iter(frames.items()))

    features = nn.Sequential(*[layer for level in perceptual.slices for layer in level])
    assert [type(layer).__name__ for layer in features].count("MaxPool2d") == 4
    image = _resize(processed_frame(frame_id).image, (16, 32), Image.Resampling.NEAREST)
    synthesis = _resize(frame.synthesis, (16, 32), Image.Resampling.NEAREST)
    with torch.no_grad():
        expected = _direct_perceptual(features, _unit(image), _unit(synthesis))
    assert np.abs(frame.perceptual.astype(int) - expected.astype(int)).max() <= 1
    assert frame.perceptual.max() >= 254


@pytest.mark.parametrize("style_seed", [None, 7])
def test_batching_workers_layout_and_subsets_give_the_same_maps(models, style_seed):
    loaders = frame_loaders(3)
    ids = sorted(loaders)
    reference = _run(
        loaders, models, config(batch_size=1, channels_last=False, style_seed=style_seed)
    )
    batched = _run(loaders, models, config(batch_size=3, num_workers=1, style_seed=style_seed))
    subset = _run(loaders, models, config(batch_size=2, style_seed=style_seed), ids[1::2])

    for frames in (batched, subset):
        for frame_id, frame in frames.items():
            for name in MAP_FIELDS:
                difference = getattr(frame, name).astype(int) - getattr(reference[frame_id], name)
                assert np.abs(difference).max() <= 1, (frame_id, name)


def test_style_seed_samples_a_different_style_per_seed(models):
    loaders = frame_loaders(1)
    first = _run(loaders, models, config(style_seed=1))
    second = _run(loaders, models, config(style_seed=2))

    (frame_id,) = first
    assert not np.array_equal(first[frame_id].synthesis, second[frame_id].synthesis)


def test_native_segmentation_size_batches_frames_of_each_size_together(models):
    loaders = {
        **frame_loaders(2, 32, 48),
        "other_000000_000019": lambda: processed_frame("other_000000_000019", 24, 40),
    }

    frames = _run(loaders, models, config(segmentation_size=None, batch_size=2))

    assert frames["other_000000_000019"].entropy.shape == (24, 40)
    assert frames["testcity_000000_000019"].semantic.shape == (32, 48)
    assert frames["other_000000_000019"].synthesis.shape == (16, 32, 3)


def test_producer_skips_stored_frames_and_lists_all_sorted(models):
    loaders = frame_loaders(3)
    producer = MapProducer(loaders, models, config())

    produced = [frame.frame_id for frame in producer({"testcity_000001_000019"})]

    assert producer.frame_ids() == sorted(loaders)
    assert produced == ["testcity_000000_000019", "testcity_000002_000019"]


def test_no_frames_yield_nothing_and_unknown_ids_are_refused(models):
    assert list(compute_maps(frame_loaders(1), [], models, config())) == []
    with pytest.raises(ValueError, match="nowhere_000000_000000"):
        list(compute_maps(frame_loaders(1), ["nowhere_000000_000000"], models, config()))


class _NaNSegmenter(nn.Module):
    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return torch.full((image.shape[0], 19, *image.shape[-2:]), float("nan"))


class _WrongSizeSegmenter(nn.Module):
    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return torch.zeros(image.shape[0], 19, 8, 8)


@pytest.mark.parametrize(
    ("segmenter", "message"),
    [(_NaNSegmenter(), "NaN or infinite"), (_WrongSizeSegmenter(), "segmentation logits")],
)
def test_broken_segmentation_outputs_are_refused_naming_the_frames(models, segmenter, message):
    broken = dataclasses.replace(models, segmentation=segmenter)

    with pytest.raises(ValueError, match=rf"{message}.*testcity_000000_000019"):
        list(compute_maps(frame_loaders(1), ["testcity_000000_000019"], broken, config()))


def _with(frame_id, **fields):
    return {frame_id: lambda: dataclasses.replace(processed_frame(frame_id), **fields)}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"label_ids": np.zeros((5, 5), np.uint8)}, "label_ids has size"),
        ({"instance_ids": None}, "has no instance_ids"),
        ({"image": np.zeros((0, 0, 3), np.uint8)}, "image is empty"),
        ({"image": np.zeros((40, 72), np.uint8)}, r"\[H, W, 3\] uint8"),
        ({"image": None}, "has no image"),
    ],
)
def test_malformed_frames_are_refused_naming_the_frame(models, fields, message):
    loaders = _with("bad_000000_000001", **fields)
    settings = config(synthesis_labels=SynthesisLabels.ANNOTATION)

    with pytest.raises(ValueError, match=rf"bad_000000_000001.*{message}|{message}"):
        list(compute_maps(loaders, ["bad_000000_000001"], models, settings))


def test_provenance_follows_the_weights_and_settings_not_the_batching(models):
    loaders = frame_loaders(1)
    base = MapProducer(loaders, models, config()).provenance()

    assert MapProducer(loaders, models, config(batch_size=1, num_workers=1)).provenance() == base
    assert MapProducer(loaders, models, config(style_seed=3)).provenance() != base
    with torch.no_grad():
        models.segmentation.head.bias.add_(1.0)
    assert MapProducer(loaders, models, config()).provenance() != base


def _segment(models, load) -> torch.Tensor:
    """The logits map generation computes for a frame: of its bicubic 32x64 image."""
    image = _resize(load().image, (32, 64), Image.Resampling.BICUBIC)
    with torch.no_grad():
        return models.segmentation(imagenet_normalise(_unit(image)))


def _statistics_of(models, loaders) -> MaxLogitStatistics:
    accumulator = MaxLogitAccumulator()
    for frame_id in sorted(loaders):
        accumulator.update(_segment(models, loaders[frame_id]))
    return accumulator.statistics()


def test_given_statistics_maps_hold_the_logit_baselines_of_the_same_logits(models):
    loaders = frame_loaders(2)
    statistics = _statistics_of(models, loaders)

    # One frame at a time in the default layout: the network computes exactly as called below.
    exact = {"batch_size": 1, "channels_last": False}
    frames = _run(loaders, models, config(**exact, max_logit_statistics=statistics))
    without = _run(loaders, models, config(**exact))

    for frame_id, frame in frames.items():
        expected = logit_baselines(_segment(models, loaders[frame_id]), statistics)
        for name in LOGIT_BASELINES:
            score = getattr(frame, name)
            assert score.shape == (32, 64) and score.dtype == np.float32
            np.testing.assert_allclose(score, expected[name][0].numpy(), rtol=1e-6, atol=1e-6)
            assert getattr(without[frame_id], name) is None
        np.testing.assert_array_equal(frame.entropy, without[frame_id].entropy)


def test_statistics_are_those_of_every_frame_segmented_as_the_maps_segment_it(models):
    loaders = frame_loaders(3)

    settings = config(batch_size=1, channels_last=False)

    statistics = measure_max_logit_statistics(loaders, models.segmentation, settings)

    expected = _statistics_of(models, loaders)
    assert statistics.pixels == expected.pixels
    np.testing.assert_allclose(statistics.mean, expected.mean, atol=1e-6)
    np.testing.assert_allclose(statistics.std, expected.std, atol=1e-6)
    with pytest.raises(ValueError, match="at least one frame"):
        measure_max_logit_statistics({}, models.segmentation, config())


def test_statistics_are_part_of_what_made_the_maps(models):
    loaders = frame_loaders(2)
    statistics = _statistics_of(models, loaders)

    plain = MapProducer(loaders, models, config()).provenance()
    with_baselines = MapProducer(
        loaders, models, config(max_logit_statistics=statistics)
    ).provenance()
    other = dataclasses.replace(statistics, mean=tuple(m + 1 for m in statistics.mean))

    assert plain == MapProducer(loaders, models, config(batch_size=1)).provenance()
    assert len({plain, with_baselines}) == 2
    assert with_baselines != (
        MapProducer(loaders, models, config(max_logit_statistics=other)).provenance()
    )


def test_a_float32_precision_leaves_the_provenance_of_earlier_maps_unchanged(models, monkeypatch):
    loaders = frame_loaders(1)
    fp32 = MapProducer(loaders, models, config(precision="fp32")).provenance()
    bf16 = MapProducer(loaders, models, config(precision="bf16")).provenance()
    to_json = MapConfig.to_json

    def without_precision(self):
        """The settings as they were written before the precision setting existed."""
        return {key: value for key, value in to_json(self).items() if key != "precision"}

    monkeypatch.setattr(MapConfig, "to_json", without_precision)
    before = MapProducer(loaders, models, config()).provenance()

    assert fp32 == before
    assert bf16 != fp32


#: bf16 against fp32 maps of the tiny random networks, in 8-bit steps. Their logits are close
#: together, so the normalised top-two gap (distance) is the most sensitive map; trained networks
#: differ far less (docs/precision.md).
BF16_STEPS = {"synthesis": 1, "entropy": 1, "perceptual": 1, "distance": 16}
BF16_MEAN_STEPS = {"synthesis": 0.1, "entropy": 0.1, "perceptual": 0.25, "distance": 6}


def test_bf16_maps_stay_within_the_stated_tolerance_of_float32(models):
    loaders = frame_loaders(3)
    fp32 = _run(loaders, models, config())
    bf16 = _run(loaders, models, config(precision="bf16"))

    for frame_id, expected in fp32.items():
        actual = bf16[frame_id]
        assert (actual.semantic == expected.semantic).mean() >= 0.99
        for name, steps in BF16_STEPS.items():
            difference = np.abs(getattr(actual, name).astype(int) - getattr(expected, name))
            assert difference.max() <= steps, name
            assert difference.mean() <= BF16_MEAN_STEPS[name], name
