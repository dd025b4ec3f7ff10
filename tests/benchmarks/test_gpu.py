"""``benchmarks/gpu.py --quick`` keeps working on a machine without a GPU."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT


@pytest.mark.slow
def test_the_quick_gpu_benchmark_writes_fp32_and_bf16_rows_with_their_difference(tmp_path):
    script = PROJECT_ROOT / "benchmarks" / "gpu.py"
    command = [sys.executable, str(script), "--quick", "--size", "16", "32"]
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT / "src")}
    completed = subprocess.run(
        [*command, "--output-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=600,
    )

    assert completed.returncode == 0, completed.stderr[-2000:]
    report = json.loads((tmp_path / "gpu_benchmark.json").read_text())
    rows = report["rows"]
    assert {row["variant"] for row in rows} == {"fp32", "bf16"}
    assert all(row["note"] == "" for row in rows), [row["note"] for row in rows]
    works = {row["work"] for row in rows}
    assert len(works) == 6  # forward, training step, three map stages, end to end
    for row in rows:
        assert row["seconds"] > 0 and 0 < row["percent_of_peak"]
        if row["variant"] == "fp32":
            assert row["max_difference"] == 0
        else:
            assert 0 < row["max_difference"] < 0.1, row
    table = (tmp_path / "gpu_benchmark.md").read_text()
    assert table.startswith("| work | precision |")
    assert table.count("\n| ") == len(rows)
    assert "| dissimilarity forward 16x32 | bf16 |" in completed.stdout
