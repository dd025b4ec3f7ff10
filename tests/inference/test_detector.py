"""AnomalyDetector on tiny networks: sizes, batching, seeding, every map, bad input, persistence."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from synboost_kedro.inference import AnomalyAnalysis, AnomalyDetector, DetectorSettings
from synboost_kedro.utils.compilation import CompileError
from tests.conftest import TINY_SETTINGS, street_image, tiny_detector, torch_threads


@pytest.fixture(scope="module")
def detector() -> AnomalyDetector:
    with torch_threads(1):
        yield tiny_detector()


@pytest.mark.parametrize("size", [(40, 72), (33, 17), (64, 128)])
def test_call_returns_float_scores_at_image_size(detector, size):
    scores = detector(street_image(*size))

    assert scores.shape == size
    assert scores.dtype == np.float32
    assert np.isfinite(scores).all()
    assert 0 <= scores.min() and scores.max() <= 1


def test_batch_equals_single_calls_in_order(detector):
    images = [street_image(seed=seed) for seed in range(3)] + [street_image(30, 50, seed=9)]

    batched = detector.predict([*images, images[0]])

    assert len(batched) == 5
    for image, scores in zip(images, batched, strict=False):
        np.testing.assert_allclose(scores, detector(image), atol=1e-5)
    np.testing.assert_array_equal(batched[4], batched[0])
    assert not np.allclose(batched[0], batched[1])


def test_analysis_holds_every_map_at_image_size(detector):
    image = street_image(50, 90)

    analysis = detector.analyse(image)

    assert isinstance(analysis, AnomalyAnalysis)
    for name in ("anomaly", "dissimilarity", "entropy", "distance", "perceptual"):
        values = getattr(analysis, name)
        assert values.shape == (50, 90) and values.dtype == np.float32, name
        assert 0 <= values.min() and values.max() <= 1, name
    assert analysis.semantic.shape == (50, 90) and analysis.semantic.dtype == np.uint8
    assert analysis.synthesis.shape == (50, 90, 3) and analysis.synthesis.dtype == np.uint8
    np.testing.assert_allclose(analysis.anomaly, detector(image), atol=1e-6)
    # The original returned the entropy image as the distance map (docs/method.md, "Known bugs of
    # the original" (row "Distance output is entropy")).
    assert not np.allclose(analysis.distance, analysis.entropy)


def test_labels_resized_nearest_and_scores_bilinear(detector):
    analysis = detector.analyse(street_image(50, 90))
    small = next(iter(detector._run_in_memory([street_image(50, 90)])))

    # NEAREST never invents a train id the network did not predict (bicubic did, docs/method.md,
    # "Known bugs of the original" (row "Bicubic label resize")).
    assert set(np.unique(analysis.semantic)) <= set(np.unique(small.maps.semantic))
    # Bilinear scores stay within the range of the network-resolution scores.
    assert analysis.anomaly.min() >= small.anomaly.min() - 1e-6
    assert analysis.anomaly.max() <= small.anomaly.max() + 1e-6


def test_fusion_weights_follow_settings(detector):
    image = street_image()
    weights = {"dissimilarity": 0.5, "distance": 0.5}
    other = tiny_detector(dataclasses.replace(TINY_SETTINGS, fusion_weights=weights))

    analysis = other.analyse(image)
    small = next(iter(other._run_in_memory([image])))

    expected = 0.5 * small.scores["dissimilarity"] + 0.5 * small.scores["distance"]
    np.testing.assert_allclose(small.anomaly, expected, atol=1e-6)
    assert not np.allclose(analysis.anomaly, detector(image))


def test_seeded_style_is_reproducible_and_batch_independent():
    seeded = tiny_detector(dataclasses.replace(TINY_SETTINGS, seed=5))
    images = [street_image(seed=seed) for seed in range(3)]

    first = seeded.analyse(images[1]).synthesis
    again = seeded.analyse(images[1]).synthesis
    in_batch = seeded.predict(images)[1]
    reseeded = tiny_detector(dataclasses.replace(TINY_SETTINGS, seed=6)).analyse(images[1])

    np.testing.assert_array_equal(first, again)
    np.testing.assert_allclose(in_batch, seeded(images[1]), atol=1e-5)
    assert not np.array_equal(first, reseeded.synthesis)


@pytest.mark.parametrize(
    "convert",
    [
        pytest.param(lambda rgb: rgb.mean(axis=2).astype(np.uint8), id="grey"),
        pytest.param(
            lambda rgb: Image.fromarray(rgb.mean(axis=2).astype(np.uint16) * 257), id="pil-grey16"
        ),
        pytest.param(lambda rgb: np.dstack([rgb, np.full(rgb.shape[:2], 7, np.uint8)]), id="rgba"),
        pytest.param(lambda rgb: Image.fromarray(rgb).convert("P"), id="pil-palette"),
        pytest.param(Image.fromarray, id="pil-rgb"),
    ],
)
def test_accepts_grey_alpha_16bit_and_pil_images(detector, convert):
    scores = detector(convert(street_image(36, 60)))

    assert scores.shape == (36, 60) and np.isfinite(scores).all()


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (np.zeros((8, 8, 3), np.float32), "integer pixel values"),
        (np.zeros((8,), np.uint8), "shape"),
        (np.zeros((0, 8, 3), np.uint8), "empty"),
        (np.zeros((8, 8, 2), np.uint8), "shape"),
        (Image.new("F", (8, 8)), "unsupported image mode 'F'"),
        ("street.png", "numpy array or a PIL image"),
    ],
)
def test_bad_images_fail_naming_the_problem(detector, image, message):
    with pytest.raises(ValueError, match=message):
        detector(image)


def test_integer_images_outside_8_bits_are_refused_naming_the_image_and_the_range(detector):
    wide = street_image().astype(np.int64) * 4

    with pytest.raises(
        ValueError, match=r"'image 1': integer pixel values must lie in 0\.\.255, found \d+\.\.\d+"
    ):
        detector.predict([street_image(), wide])


def test_a_truncated_pil_image_is_named_by_its_index(detector, tmp_path):
    path = tmp_path / "cut.png"
    noise = np.random.default_rng(0).integers(0, 255, (64, 64, 3), np.uint8)
    Image.fromarray(noise).save(path)
    path.write_bytes(path.read_bytes()[:400])

    with Image.open(path) as cut, pytest.raises(ValueError, match="'image 0': .*cannot be decoded"):
        detector.predict([cut])


def test_a_stream_skips_bad_images_when_asked_and_stops_otherwise(detector):
    def broken():
        raise ValueError("unreadable")

    loaders = {"a": street_image, "b": broken, "c": lambda: street_image(seed=3)}
    skipped: dict[str, str] = {}

    names = [name for name, _, _ in detector.analyse_stream(loaders, skipped)]

    assert names == ["a", "c"]
    assert skipped == {"b": "unreadable"}
    with pytest.raises(ValueError, match="unreadable"):
        list(detector.analyse_stream(loaders))


def test_images_over_the_pixel_limit_are_refused_naming_the_limit():
    small_limit = tiny_detector(dataclasses.replace(TINY_SETTINGS, max_pixels=1000))

    with pytest.raises(ValueError, match=r"72x40 = 2880 pixels.*max_pixels = 1000"):
        small_limit(street_image(40, 72))
    assert small_limit(street_image(20, 40)).shape == (20, 40)


def test_settings_are_validated():
    with pytest.raises(ValueError, match="multiples of 8"):
        DetectorSettings(dissimilarity_size=(20, 32))
    with pytest.raises(ValueError, match="fusion_weights"):
        DetectorSettings(fusion_weights={"dissimilarity": 0.0})
    with pytest.raises(ValueError, match="fusion_weights"):
        DetectorSettings(fusion_weights={"colour": 1.0})
    with pytest.raises(ValueError, match="Unknown detector settings"):
        DetectorSettings.from_dict({"height": 3})


def test_save_load_round_trip(detector, tmp_path):
    image = street_image()
    detector.save(tmp_path / "detector")

    loaded = AnomalyDetector.load(tmp_path / "detector", device="cpu")

    assert loaded.settings == detector.settings
    np.testing.assert_allclose(loaded(image), detector(image), atol=1e-6)


def test_missing_or_wrong_files_fail_naming_them(detector, tmp_path):
    with pytest.raises(FileNotFoundError, match="no saved anomaly detector"):
        AnomalyDetector.load(tmp_path)
    detector.save(tmp_path / "detector")
    files = tmp_path / "detector"
    with pytest.raises(Exception, match="synthesis.pt' holds a synthesis network"):
        AnomalyDetector.from_checkpoints(
            files / "synthesis.pt", files / "synthesis.pt", files / "dissimilarity.pt"
        )


def test_from_mlflow_finds_the_detector_inside_a_model_folder(detector, tmp_path: Path):
    # The layout of a pyfunc model logged by pipeline_ml_factory; the run-id form is exercised
    # against a real tracking store in tests/pipelines/inference/test_serving.py.
    detector.save(tmp_path / "model" / "artifacts" / "anomaly_detector")

    loaded = AnomalyDetector.from_mlflow((tmp_path / "model").as_uri(), device="cpu")

    np.testing.assert_allclose(loaded(street_image()), detector(street_image()), atol=1e-6)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="holds no saved anomaly detector"):
        AnomalyDetector.from_mlflow((tmp_path / "empty").as_uri())


def test_package_exports_the_detector_lazily_and_the_detector_needs_no_kedro():
    code = (
        "import sys, synboost_kedro; assert 'torch' not in sys.modules; "
        "from synboost_kedro import AnomalyDetector; assert 'torch' in sys.modules; "
        "assert not any(name.startswith('kedro') for name in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_loaded_detector_analyses_without_printing_anything(detector, tmp_path: Path):
    detector.save(tmp_path / "detector")
    np.save(tmp_path / "image.npy", street_image())
    code = (
        "import numpy as np; from synboost_kedro import AnomalyDetector; "
        f"detector = AnomalyDetector.load({str(tmp_path / 'detector')!r}, device='cpu'); "
        f"detector.analyse(np.load({str(tmp_path / 'image.npy')!r}))"
    )

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert (done.stdout, done.stderr) == ("", "")


#: Largest difference of a bf16 detector's anomaly score from float32's (tiny random networks;
#: the score is 0.75 · p_anomaly + 0.25 · entropy, both resized to the image).
BF16_ANOMALY_TOLERANCE = 0.03


def test_a_bf16_detector_scores_within_tolerance_of_float32(detector):
    mixed = tiny_detector(dataclasses.replace(TINY_SETTINGS, precision="bf16"))

    assert mixed.precision.name == "bf16"
    for seed in range(3):
        image = street_image(seed=seed)
        expected, scores = detector(image), mixed(image)
        assert scores.dtype == np.float32
        assert 0 < np.abs(scores - expected).max() <= BF16_ANOMALY_TOLERANCE


def test_precision_is_saved_and_can_be_replaced_when_loading(tmp_path):
    tiny_detector(dataclasses.replace(TINY_SETTINGS, precision="auto")).save(tmp_path)

    assert AnomalyDetector.load(tmp_path, device="cpu").settings.precision == "auto"
    assert AnomalyDetector.load(tmp_path, device="cpu").precision.name == "fp32"
    replaced = AnomalyDetector.load(tmp_path, device="cpu", precision="bf16")
    assert replaced.settings.precision == "bf16"


def test_settings_saved_before_precision_and_compile_existed_load_as_float32_eager():
    saved = DetectorSettings().to_dict()
    del saved["precision"], saved["compile"]

    settings = DetectorSettings.from_dict(saved)

    assert (settings.precision, settings.compile) == ("fp32", False)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"precision": "fp64"}, "precision must be one of"), ({"compile": 1}, "compile must be")],
)
def test_bad_precision_and_compile_settings_are_named(overrides, message):
    with pytest.raises(ValueError, match=f"Detector setting {message}"):
        DetectorSettings(**overrides)


@pytest.mark.filterwarnings("ignore:dynamo_pgo force disabled")
def test_compiling_without_a_cpu_compiler_fails_naming_the_option():
    import torch._inductor.config

    compiled = tiny_detector(dataclasses.replace(TINY_SETTINGS, compile=True))
    no_compiler = {"cpp.cxx": (None, "/nonexistent/c++"), "force_disable_caches": True}
    with (
        torch._inductor.config.patch(no_compiler),
        pytest.raises(CompileError, match="compile is true but torch.compile does not work"),
    ):
        compiled(street_image())
