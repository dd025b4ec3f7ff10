import logging

import pytest
import torch

from synboost_kedro.utils.compilation import CompiledNetwork, CompileError, CompileTimer


def _network() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU()).eval()


def test_the_timer_logs_the_first_run_less_the_second(caplog):
    timer = CompileTimer("toy step")
    with caplog.at_level(logging.INFO, logger="synboost_kedro.utils.compilation"):
        for _ in range(3):
            with timer.measure():
                pass

    assert len(timer.times) == 2
    (line,) = [record.getMessage() for record in caplog.records]
    assert line.startswith("torch.compile of the toy step: first run ")
    assert "of compilation" in line


def test_a_disabled_timer_measures_and_logs_nothing(caplog):
    timer = CompileTimer("toy step", enabled=False)
    with caplog.at_level(logging.INFO):
        for _ in range(2):
            with timer.measure():
                pass
    assert timer.times == []
    assert caplog.records == []


@pytest.fixture
def _fresh_compiler_state():
    """No compiled code from earlier tests or runs: every compilation here really compiles."""
    import torch._dynamo
    import torch._inductor.config

    torch._dynamo.reset()
    with torch._inductor.config.patch(force_disable_caches=True):
        yield
    torch._dynamo.reset()


@pytest.mark.filterwarnings("ignore:dynamo_pgo force disabled")
@pytest.mark.usefixtures("_fresh_compiler_state")
def test_a_compiled_network_computes_what_the_network_does():
    network = _network()
    image = torch.randn(2, 3, 8, 8)

    with torch.no_grad():
        torch.testing.assert_close(CompiledNetwork(network, "x.compile")(image), network(image))


@pytest.mark.filterwarnings("ignore:dynamo_pgo force disabled")
@pytest.mark.usefixtures("_fresh_compiler_state")
def test_without_a_cpu_compiler_the_error_names_the_setting():
    import torch._inductor.config

    compiled = CompiledNetwork(_network(), "inference.compile")
    with (
        torch._inductor.config.patch({"cpp.cxx": (None, "/nonexistent/c++")}),
        pytest.raises(CompileError, match="inference.compile is true but torch.compile does not"),
    ):
        compiled(torch.randn(1, 3, 8, 8))
