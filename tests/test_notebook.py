"""notebooks/demo.ipynb: committed with the outputs of a real run, and executed end to end in a
temporary project holding a tiny saved detector and one labelled frame."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from PIL import Image

from tests.conftest import street_image, tiny_detector

REPOSITORY = Path(__file__).resolve().parents[1]
NOTEBOOK = REPOSITORY / "notebooks" / "demo.ipynb"
FALLBACK_IMAGE = Path("docs") / "images" / "synthetic_anomaly.png"
#: The committed outputs stay small enough for the repository and a browser.
MAX_OUTPUT_BYTES = 1_500_000


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder found from its ``notebooks/`` folder, with a detector and one frame.

    The detector and the frame sit outside the default paths, so the notebook only finds them
    through its environment variables; the fallback image is the repository's.
    """
    root = tmp_path / "project"
    (root / "notebooks").mkdir(parents=True)
    (root / "pyproject.toml").touch()
    (root / "conf").mkdir()
    (root / FALLBACK_IMAGE).parent.mkdir(parents=True)
    shutil.copy(REPOSITORY / FALLBACK_IMAGE, root / FALLBACK_IMAGE)

    tiny_detector().save(tmp_path / "detector")
    benchmark = tmp_path / "benchmark"
    (benchmark / "images").mkdir(parents=True)
    (benchmark / "labels").mkdir()
    Image.fromarray(street_image(40, 72)).save(benchmark / "images" / "street.png")
    labels = np.zeros((40, 72), np.uint8)
    labels[:10] = 255
    labels[25:35, 30:40] = 1
    Image.fromarray(labels).save(benchmark / "labels" / "street.png")

    monkeypatch.setenv("SYNBOOST_DETECTOR_DIR", str(tmp_path / "detector"))
    monkeypatch.setenv("SYNBOOST_BENCHMARK_DIR", str(benchmark))
    monkeypatch.delenv("SYNBOOST_PROJECT_ROOT", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    # The inline backend turns each figure into an image/png output, whatever the caller set.
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    return root


def _execute(project: Path) -> nbformat.NotebookNode:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # jupyter_client starts the python3 kernel with this interpreter (sys.executable).
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=60,
        resources={"metadata": {"path": str(project / "notebooks")}},
    )
    client.execute()
    return notebook


def _outputs(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [output for cell in notebook.cells for output in cell.get("outputs", [])]


def _figures(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [output for output in _outputs(notebook) if "image/png" in output.get("data", {})]


def test_committed_notebook_shows_a_real_run_top_to_bottom():
    notebook = nbformat.read(NOTEBOOK, as_version=4)

    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))
    assert not [output for output in _outputs(notebook) if output.output_type == "error"]
    assert len(_figures(notebook)) == 2
    assert len(NOTEBOOK.read_bytes()) < MAX_OUTPUT_BYTES


def test_notebook_shows_each_frame_beside_its_ground_truth_and_writes_nothing(project):
    before = sorted(project.rglob("*"))

    notebook = _execute(project)

    assert len(_figures(notebook)) == 2
    texts = "".join(output.get("data", {}).get("text/plain", "") for output in _outputs(notebook))
    # The detector runs with the saved settings (tiny sizes), not the defaults.
    assert "segmentation_size=(32, 64)" in texts
    assert "'street': ((40, 72, 3), [0, 1, 255])" in texts
    assert "'synthetic_anomaly': ((256, 512, 3), None)" in texts
    written = set(project.rglob("*")) - set(before)
    assert not {path for path in written if "__pycache__" not in path.parts} - {
        project / "notebooks" / ".ipynb_checkpoints"
    }


def test_a_missing_detector_stops_the_notebook_telling_to_run_make_demo(project, tmp_path):
    (tmp_path / "detector" / "detector.json").unlink()

    with pytest.raises(CellExecutionError, match=r"No trained detector .*Run `make demo`"):
        _execute(project)
