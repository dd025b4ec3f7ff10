import logging
from functools import partial

import pytest
import torch

from synboost_kedro.cityscapes import TRAIN_ID_NAMES
from synboost_kedro.frames import LOGIT_BASELINES
from synboost_kedro.pipelines.uncertainty_maps import nodes
from synboost_kedro.uncertainty import MapProducer, SynthesisLabels
from synboost_kedro.uncertainty.sharding import ShardedMapProducer
from tests.conftest import processed_frame, tiny_networks
from tests.pipelines.conftest import FRAME_IDS, MAP_PARAMS


def _plan(frames, params=MAP_PARAMS, perceptual=None, **statistics):
    segmentation, synthesis = tiny_networks()
    return nodes.plan_uncertainty_maps(
        frames,
        segmentation,
        synthesis,
        perceptual or torch.nn.Identity(),
        params,
        synthesis_labels=SynthesisLabels.PREDICTION,
        **statistics,
    )


def test_the_node_returns_a_producer_over_every_frame_without_computing():
    frames = {frame_id: (lambda: pytest.fail("loaded too early")) for frame_id in FRAME_IDS}

    producer = _plan(frames)

    assert isinstance(producer, MapProducer)
    assert producer.frame_ids() == FRAME_IDS


def test_an_empty_set_and_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="no frames"):
        _plan({})
    with pytest.raises(ValueError, match="uncertainty_maps.batch_size"):
        _plan({"a": lambda: processed_frame("a")}, {**MAP_PARAMS, "batch_size": 0})


def test_the_vgg_network_gets_the_configured_weights_file_and_seed(monkeypatch):
    calls = []
    monkeypatch.setattr(
        nodes, "PerceptualDifference", lambda *args, **kwargs: calls.append((args, kwargs))
    )

    nodes.build_perceptual_network(
        {"perceptual": {"weights": "vgg16.pth", "seed": 5, "architecture": "vgg16"}}
    )
    nodes.build_perceptual_network({"perceptual": {"weights": None}})

    assert calls == [
        (("vgg16.pth",), {"seed": 5, "architecture": "vgg16"}),
        ((None,), {"seed": 0, "architecture": "vgg19"}),
    ]


def test_several_processes_make_a_sharded_producer_and_bad_layouts_are_named():
    frames = {frame_id: (lambda: pytest.fail("loaded too early")) for frame_id in FRAME_IDS}
    two = {**MAP_PARAMS, "distributed": {"nproc_per_node": 2, "backend": "gloo"}}

    producer = _plan(frames, two)

    assert isinstance(producer, ShardedMapProducer)
    assert producer.frame_ids() == FRAME_IDS
    with pytest.raises(ValueError, match="uncertainty_maps.distributed.nproc_per_node"):
        _plan(frames, {**MAP_PARAMS, "distributed": {"nproc_per_node": 0}})


def test_training_split_statistics_switch_the_logit_baselines_on(caplog):
    frames = {frame_id: partial(processed_frame, frame_id) for frame_id in FRAME_IDS}
    segmentation, _ = tiny_networks()

    with caplog.at_level(logging.WARNING):
        statistics = nodes.measure_segmentation_statistics(frames, segmentation, MAP_PARAMS)
    perceptual = nodes.build_perceptual_network(MAP_PARAMS)
    (with_baselines,) = _plan(frames, perceptual=perceptual, max_logit_statistics=statistics)(
        set(FRAME_IDS[1:])
    )
    (plain,) = _plan(frames, perceptual=perceptual)(set(FRAME_IDS[1:]))

    assert list(statistics) == list(TRAIN_ID_NAMES)
    never_predicted = [name for name, entry in statistics.items() if entry["pixels"] < 2]
    assert never_predicted and all(name in caplog.text for name in never_predicted)
    assert all(getattr(with_baselines, name) is not None for name in LOGIT_BASELINES)
    assert all(getattr(plain, name) is None for name in LOGIT_BASELINES)
    with pytest.raises(ValueError, match="train split has no frames"):
        nodes.measure_segmentation_statistics({}, segmentation, MAP_PARAMS)
