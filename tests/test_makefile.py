"""`make mlflow-ui` leaves no process behind once the UI is stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from tests.conftest import PROJECT_ROOT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_processes(session: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getsid(int(entry)) == session:
                    found.append(int(entry))
            except ProcessLookupError:
                continue
    return found


@pytest.mark.slow
def test_stopping_the_mlflow_ui_stops_every_process_it_started(tmp_path):
    printed = subprocess.run(
        ["make", "--no-print-directory", "-n", "mlflow-ui"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.replace("\\\n", " ")
    (command,) = [line for line in printed.splitlines() if "mlflow ui" in line]
    port = _free_port()
    command = command.replace("--port 5000", f"--port {port}").replace(
        "sqlite:///mlflow.db", f"sqlite:///{tmp_path / 'mlflow.db'}"
    )
    ui = subprocess.Popen(command, shell=True, cwd=PROJECT_ROOT, start_new_session=True)
    try:
        # Generous: the UI starts slowly on a small machine that is running other tests.
        deadline = time.monotonic() + 240
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except OSError:
                assert ui.poll() is None, f"the UI exited with code {ui.returncode}"
                assert time.monotonic() < deadline, "the UI did not answer within 240 s"
                time.sleep(1)
        os.killpg(ui.pid, signal.SIGTERM)
        ui.wait(timeout=30)
        # Shutting down takes a moment on a busy machine; workers that ignore TERM never go.
        deadline = time.monotonic() + 60
        while _session_processes(ui.pid) and time.monotonic() < deadline:
            time.sleep(1)
        assert _session_processes(ui.pid) == []
    finally:
        for pid in _session_processes(ui.pid):
            os.kill(pid, signal.SIGKILL)
