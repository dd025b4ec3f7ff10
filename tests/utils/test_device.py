import pytest
import torch

from synboost_kedro.utils.device import (
    PREFETCH_BATCHES,
    loader_options,
    prepare_device,
    resolve_device,
)


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


def test_loader_options_feed_a_gpu_and_change_nothing_on_a_cpu():
    assert loader_options(torch.device("cpu"), num_workers=2) == {}
    assert loader_options(torch.device("cuda"), num_workers=0) == {"pin_memory": True}
    assert loader_options(torch.device("cuda:1"), num_workers=2) == {
        "pin_memory": True,
        "persistent_workers": True,
        "prefetch_factor": PREFETCH_BATCHES,
    }


@pytest.fixture
def _restores_cudnn_and_determinism():
    benchmark = torch.backends.cudnn.benchmark
    deterministic = torch.are_deterministic_algorithms_enabled()
    yield
    torch.backends.cudnn.benchmark = benchmark
    torch.use_deterministic_algorithms(deterministic)


@pytest.mark.usefixtures("_restores_cudnn_and_determinism")
def test_cudnn_benchmarks_its_algorithms_on_cuda_unless_determinism_was_asked_for():
    torch.backends.cudnn.benchmark = False
    prepare_device(torch.device("cpu"))
    assert torch.backends.cudnn.benchmark is False

    prepare_device(torch.device("cuda"))
    assert torch.backends.cudnn.benchmark is True

    torch.use_deterministic_algorithms(True)
    prepare_device(torch.device("cuda"))
    assert torch.backends.cudnn.benchmark is False
