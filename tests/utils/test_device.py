import pytest
import torch

from synboost_kedro.utils.device import resolve_device


def test_auto_picks_cuda_only_when_available():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto").type == expected
    assert resolve_device("cpu") == torch.device("cpu")


def test_errors_name_the_parameter():
    with pytest.raises(ValueError, match="evaluation.device must be 'auto'.*got 'tpu'"):
        resolve_device("tpu", "evaluation.device")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="x.device is 'cuda:1' but CUDA is not available"):
            resolve_device("cuda:1", "x.device")
