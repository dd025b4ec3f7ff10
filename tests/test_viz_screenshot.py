"""The first view of ``make viz`` in a real browser: a headless Chromium screenshot.

Needs Debian's Chromium (``apt-get install chromium``); without it the test is skipped.
``make viz-screenshot`` runs it and keeps the picture as docs/images/kedro_viz_train.png.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

CHROMIUM = shutil.which("chromium")
#: The URL ``make viz`` prints: the ``train`` pipeline first.
FIRST_VIEW = "/?pid=train"
#: Flags for a headless Chromium on a machine without network or display.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1600,1000",
    "--virtual-time-budget=20000",
)


def _free_port(first: int = 41410) -> int:
    """A free port below 49152: Kedro-Viz refuses the ephemeral range the OS would pick."""
    for port in range(first, first + 1000):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"no free port in {first}..{first + 999}")


def _wait_for(url: str, server: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"kedro viz exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"kedro viz did not answer at {url} within {seconds}s")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium: apt-get install chromium")
def test_the_first_view_renders_the_train_pipeline(kedro_project: Path, tmp_path: Path):
    port = _free_port()
    kedro = Path(sys.executable).parent / "kedro"
    log = (tmp_path / "viz.log").open("wb")
    server = subprocess.Popen(
        [kedro, "viz", "run", "--host", "127.0.0.1", "--port", str(port), "--no-browser"],
        cwd=kedro_project,
        env={**os.environ, "KEDRO_DISABLE_TELEMETRY": "1"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    screenshot = tmp_path / "viz.png"
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_for(f"{url}/api/main", server, tmp_path / "viz.log")
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(
                [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
                + [f"--screenshot={screenshot}", url + FIRST_VIEW],
                check=True,
                capture_output=True,
                timeout=120,
            )
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        log.close()

    with Image.open(screenshot) as image:
        pixels = np.asarray(image.convert("L"))
    assert pixels.shape == (1000, 1600)
    # A drawn graph, not an empty or error page: many distinct grey levels.
    assert len(np.unique(pixels)) > 50
    if target := os.environ.get("VIZ_SCREENSHOT"):
        shutil.copy(screenshot, target)
