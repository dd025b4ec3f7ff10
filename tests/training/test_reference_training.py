import pytest

from synboost_kedro.training.reference_training import reference_fingerprint, reference_precision
from synboost_kedro.utils.precision import Precision

MODEL = {"architecture": "compact_deeplab", "options": {}}


def test_reference_networks_train_in_float32_unless_told_otherwise():
    assert reference_precision({}, "segmentation") == Precision("fp32", "cpu")
    assert reference_precision({"precision": "auto"}, "synthesis") == Precision("fp32", "cpu")
    assert reference_precision({"precision": "bf16"}, "synthesis") == Precision("bf16", "cpu")
    with pytest.raises(ValueError, match="reference_synthesis.training.precision must be one of"):
        reference_precision({"precision": "int8"}, "synthesis")


def test_the_fingerprint_leaves_out_the_epochs_and_a_float32_precision():
    training = {"seed": 0, "epochs": 5, "precision": "auto"}

    fingerprint = reference_fingerprint(MODEL, training, ["b", "a"], "fp32")

    # What states written before the precision setting hold, so they still resume.
    assert fingerprint == {"model": MODEL, "training": {"seed": 0}, "frames": ["a", "b"]}
    bf16 = reference_fingerprint(MODEL, training | {"precision": "bf16"}, ["a"], "bf16")
    assert bf16["training"] == {"seed": 0, "precision": "bf16"}
