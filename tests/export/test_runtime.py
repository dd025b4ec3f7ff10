"""ONNX Runtime behind the detector: same maps as torch, and clear errors for what it cannot do."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from synboost_kedro.export import (
    dissimilarity_spec,
    export_to_onnx,
    perceptual_spec,
    save_onnx,
    segmentation_spec,
    synthesis_spec,
)
from synboost_kedro.export.runtime import (
    OnnxDissimilarity,
    OnnxRuntimeNetwork,
    OnnxSynthesis,
    onnx_session,
)
from synboost_kedro.inference import AnomalyDetector, DetectorSettings
from synboost_kedro.models.dissimilarity import DissimilarityConfig, DissimilarityNet
from tests.conftest import TINY_SETTINGS, assert_anomaly_maps_match, street_image, tiny_detector

TRACE_SIZES = {"batch": 1, "height": 16, "width": 32}
#: One step of the 8-bit entropy, distance and perceptual maps (stored as the original's were).
#: A float32 rounding difference can move a value across a step, and the fused score by up to
#: its weight times the step; anywhere else the maps agree to rounding.
MAP_STEP = 1 / 255
NETWORKS = ("segmentation", "synthesis", "dissimilarity", "perceptual")


@pytest.fixture(scope="module")
def torch_detector() -> AnomalyDetector:
    return tiny_detector()


@pytest.fixture(scope="module")
def graphs(torch_detector: AnomalyDetector) -> dict[str, onnx.ModelProto]:
    models = torch_detector.map_models
    specs = (
        segmentation_spec(models.segmentation),
        synthesis_spec(models.synthesis),
        dissimilarity_spec(torch_detector.dissimilarity),
        perceptual_spec(models.perceptual),
    )
    return {
        name: export_to_onnx(spec, TRACE_SIZES) for name, spec in zip(NETWORKS, specs, strict=True)
    }


@pytest.fixture(scope="module")
def graph_files(graphs: dict[str, onnx.ModelProto], tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("onnx")
    for name, graph in graphs.items():
        save_onnx(graph, folder / f"{name}.onnx")
    return {name: folder / f"{name}.onnx" for name in graphs}


@pytest.mark.parametrize("with_perceptual", [False, True], ids=["vgg19 in torch", "4 graphs"])
def test_onnx_detector_gives_the_torch_detectors_maps(
    torch_detector, graph_files, with_perceptual: bool
):
    trained = [graph_files[name] for name in NETWORKS[:3]]
    perceptual = graph_files["perceptual"] if with_perceptual else None
    detector = AnomalyDetector.from_onnx(*trained, perceptual, settings=TINY_SETTINGS, threads=1)
    assert detector.runtime == "onnxruntime"
    images = [street_image(40, 72, seed=0), street_image(33, 50, seed=1), street_image(seed=2)]
    for image in images:
        expected, actual = torch_detector.analyse(image), detector.analyse(image)
        np.testing.assert_array_equal(actual.semantic, expected.semantic)
        np.testing.assert_array_equal(actual.synthesis, expected.synthesis)
        for name in ("entropy", "distance", "perceptual"):
            np.testing.assert_allclose(
                getattr(actual, name), getattr(expected, name), atol=MAP_STEP + 1e-6
            )
        np.testing.assert_allclose(actual.dissimilarity, expected.dissimilarity, atol=1e-4)
        assert_anomaly_maps_match(actual.anomaly, expected.anomaly)
        assert actual.anomaly.shape == image.shape[:2]
    # The batched path (batch 2 plus a remainder of one) gives the single-image scores.
    for batched, image in zip(detector.predict(images), images, strict=True):
        np.testing.assert_allclose(batched, detector(image), atol=1e-5)


def test_onnx_detector_refuses_a_style_seed_and_saving(graphs):
    trained = [graphs[name] for name in NETWORKS[:3]]
    seeded = dataclasses.replace(TINY_SETTINGS, seed=3)
    with pytest.raises(ValueError, match="seed must be None for ONNX"):
        AnomalyDetector.from_onnx(*trained, settings=seeded)
    detector = AnomalyDetector.from_onnx(*trained, settings=TINY_SETTINGS, threads=1)
    with pytest.raises(ValueError, match="onnxruntime cannot be saved"):
        detector.save("unused")


def test_onnx_synthesis_refuses_a_random_generator(graphs):
    synthesis = OnnxSynthesis(OnnxRuntimeNetwork(onnx_session(graphs["synthesis"]), "synthesis"))
    label_ids = torch.zeros(1, 16, 32, dtype=torch.long)
    assert synthesis.synthesise(label_ids, None).shape == (1, 3, 16, 32)
    with pytest.raises(ValueError, match="'synthesis' is deterministic"):
        synthesis.synthesise(label_ids, None, generator=torch.Generator())


def test_missing_extra_and_misshapen_inputs_name_the_network_and_input(graphs):
    network = OnnxDissimilarity(onnx_session(graphs["dissimilarity"]), "dissimilarity")
    image = torch.zeros(1, 3, 16, 32)
    semantic = torch.zeros(1, 19, 16, 32)
    with pytest.raises(ValueError, match=r"'dissimilarity' takes inputs .*missing \['entropy'"):
        network(image, image, semantic)
    with pytest.raises(ValueError, match=r"'dissimilarity' input 'semantic' must have shape"):
        prior = torch.zeros(1, 1, 16, 32)
        network(image, image, semantic[:, :5], entropy=prior, mae=prior, distance=prior)
    segmentation = OnnxRuntimeNetwork(onnx_session(graphs["segmentation"]), "segmentation")
    with pytest.raises(ValueError, match=r"missing \[\], unexpected \['label'\]"):
        segmentation.run(image=image, label=image)


def test_dissimilarity_without_priors_ignores_them():
    torch.manual_seed(0)
    model = DissimilarityNet(DissimilarityConfig.preset("baseline")).eval()
    network = OnnxDissimilarity(
        onnx_session(export_to_onnx(dissimilarity_spec(model), TRACE_SIZES)), "baseline"
    )
    generator = torch.Generator().manual_seed(1)
    image, synthesis = torch.randn(2, 1, 3, 16, 32, generator=generator)
    semantic = torch.zeros(1, 19, 16, 32)
    prior = torch.rand(1, 1, 16, 32, generator=generator)
    with torch.inference_mode():
        expected = model(image, synthesis, semantic)
    actual = network(image, synthesis, semantic, entropy=prior, mae=prior, distance=prior)
    torch.testing.assert_close(actual, expected, atol=1e-4, rtol=0)


def test_unreadable_model_files_are_named(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="'.*absent.onnx' does not exist"):
        onnx_session(tmp_path / "absent.onnx")
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a protobuf")
    with pytest.raises(ValueError, match="broken.onnx' is not a loadable ONNX model"):
        AnomalyDetector.from_onnx(broken, broken, broken, settings=DetectorSettings())


def test_settings_of_a_saved_detector_can_be_read_for_its_onnx_twin(torch_detector, tmp_path):
    torch_detector.save(tmp_path)
    assert DetectorSettings.read(tmp_path) == torch_detector.settings
    with pytest.raises(FileNotFoundError, match="holds no saved anomaly detector"):
        DetectorSettings.read(tmp_path / "elsewhere")


def test_inputs_of_a_type_the_interfaces_do_not_use_are_named():
    image = onnx.helper.make_tensor_value_info("image", onnx.TensorProto.DOUBLE, [1, 3])
    logits = onnx.helper.make_tensor_value_info("logits", onnx.TensorProto.DOUBLE, [1, 3])
    graph = onnx.helper.make_graph(
        [onnx.helper.make_node("Identity", ["image"], ["logits"])], "double", [image], [logits]
    )
    model = onnx.helper.make_model(graph, opset_imports=[onnx.helper.make_opsetid("", 20)])
    network = OnnxRuntimeNetwork(onnx_session(model), "double")
    with pytest.raises(ValueError, match=r"'double' input 'image' has type tensor\(double\)"):
        network.run(image=torch.zeros(1, 3))
