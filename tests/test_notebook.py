"""notebooks/demo.ipynb executed end to end in a temporary project holding tiny trained models."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from PIL import Image

from tests.conftest import street_image, write_tiny_model_files

REPOSITORY = Path(__file__).resolve().parents[1]
NOTEBOOK = REPOSITORY / "notebooks" / "demo.ipynb"
FALLBACK_IMAGE = Path("docs") / "images" / "synthetic_anomaly.png"

# Tiny resolutions, so the tiny networks run in a fraction of a second per image.
PARAMETERS = {
    "uncertainty_maps": {
        "device": "cpu",
        "batch_size": 1,
        "num_workers": 0,
        "normalisation": "original",
        "segmentation": {"height": 32, "width": 64},
        "synthesis": {"height": 16, "width": 32, "style_seed": None},
        "perceptual": {"height": 16, "width": 32, "weights": None, "seed": 0},
    },
    "evaluation": {"fusion": {"weights": {"dissimilarity": 0.75, "entropy": 0.25}}},
    "inference": {"batch_size": 1, "max_pixels": 4096 * 4096},
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder found from its ``notebooks/`` folder, with models, conf and one image.

    The models and the image sit outside the default paths, so the notebook only finds them
    through its environment variables; the fallback image is the repository's.
    """
    root = tmp_path / "project"
    (root / "notebooks").mkdir(parents=True)
    (root / "pyproject.toml").touch()
    conf = root / "conf" / "base"
    conf.mkdir(parents=True)
    (root / "conf" / "local").mkdir()
    for section, values in PARAMETERS.items():
        (conf / f"parameters_{section}.yml").write_text(yaml.safe_dump({section: values}))
    (root / FALLBACK_IMAGE).parent.mkdir(parents=True)
    shutil.copy(REPOSITORY / FALLBACK_IMAGE, root / FALLBACK_IMAGE)

    models = tmp_path / "models"
    models.mkdir()
    write_tiny_model_files(models)
    images = tmp_path / "images"
    images.mkdir()
    Image.fromarray(street_image(40, 72)).save(images / "street.png")

    monkeypatch.setenv("SYNBOOST_MODELS_DIR", str(models))
    monkeypatch.setenv("SYNBOOST_IMAGES_DIR", str(images))
    monkeypatch.setenv("SYNBOOST_FIGURES_DIR", str(tmp_path / "figures"))
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


def test_committed_notebook_has_no_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)

    nbformat.validate(notebook)
    assert not _outputs(notebook)


def test_notebook_shows_and_saves_a_figure_per_bundled_image(project, tmp_path):
    outputs = _outputs(_execute(project))

    figures = [output for output in outputs if "image/png" in output.get("data", {})]
    assert len(figures) == 2
    texts = "".join(output.get("data", {}).get("text/plain", "") for output in outputs)
    # The detector runs at the resolutions of the project's parameters, not the defaults.
    assert "segmentation_size=(32, 64)" in texts
    assert "'street': (40, 72, 3)" in texts and "'synthetic_anomaly': (256, 512, 3)" in texts
    saved = sorted((tmp_path / "figures").iterdir())
    assert [path.name for path in saved] == ["street.png", "synthetic_anomaly.png"]
    with Image.open(saved[0]) as figure:
        assert figure.width > 1000


def test_missing_models_stop_the_notebook_telling_to_run_make_demo(project, tmp_path):
    (tmp_path / "models" / "synthesis_model.pt").unlink()

    with pytest.raises(CellExecutionError, match=r"synthesis_model\.pt.*Run `make demo`"):
        _execute(project)
