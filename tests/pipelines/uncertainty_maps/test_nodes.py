import pytest
import torch

from synboost_kedro.pipelines.uncertainty_maps import nodes
from synboost_kedro.uncertainty import MapProducer, SynthesisLabels
from synboost_kedro.uncertainty.sharding import ShardedMapProducer
from tests.conftest import processed_frame, tiny_networks
from tests.pipelines.conftest import FRAME_IDS, MAP_PARAMS


def _plan(frames, params=MAP_PARAMS):
    segmentation, synthesis = tiny_networks()
    return nodes.plan_uncertainty_maps(
        frames,
        segmentation,
        synthesis,
        torch.nn.Identity(),
        params,
        synthesis_labels=SynthesisLabels.PREDICTION,
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
