"""The import direction of docs/architecture.md: every layer imports only from the layers below.

Imports are read with ``ast``, including those inside functions, so a lazy import cannot hide an
upward dependency. Packages of one layer must not import each other either, except in the
foundation, whose modules are small shared vocabularies, and in the Kedro project's glue.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = "synboost_kedro"
SOURCE = Path(__file__).resolve().parents[1] / "src" / PACKAGE

#: Bottom to top; a top-level module or package of ``synboost_kedro`` per name.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("utils", "cityscapes", "frames", "images", "heatmaps"),
    ("models", "metrics", "synthetic", "preparation", "parallel", "storage"),
    ("scoring",),
    ("training", "uncertainty", "evaluation", "export"),
    ("inference",),
    ("datasets", "commands"),
    ("pipelines",),
    ("hooks", "console", "settings", "pipeline_registry", "__main__", "__init__"),
)
#: Layers whose units may import each other: the shared vocabularies and the project's glue.
SIDEWAYS_ALLOWED = {0, len(LAYERS) - 1}
LAYER_OF = {unit: index for index, layer in enumerate(LAYERS) for unit in layer}


def _unit(module: str) -> str:
    """The top-level unit of a dotted module name inside the package."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports() -> list[tuple[str, str, int]]:
    """``(importing unit, imported unit, line)`` of every in-package import, with the file."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE)
        unit = relative.parts[0] if len(relative.parts) > 1 else relative.stem
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name == PACKAGE or name.startswith(f"{PACKAGE}."):
                    found.append((f"{relative}:{node.lineno}", unit, _unit(name)))
    return found


def test_every_unit_of_the_package_has_a_layer():
    units = {
        path.relative_to(SOURCE).parts[0].removesuffix(".py")
        for path in SOURCE.iterdir()
        if path.suffix == ".py" or (path / "__init__.py").is_file()
    }
    assert units - set(LAYER_OF) == set(), "add new packages to LAYERS and docs/architecture.md"


def test_no_relative_imports_hide_the_direction():
    relative = [
        f"{path.relative_to(SOURCE)}:{node.lineno}"
        for path in SOURCE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.level > 0
    ]
    assert relative == []


def test_layers_only_point_down():
    violations = []
    for where, importer, imported in _imports():
        if importer == imported:
            continue
        low, high = LAYER_OF[imported], LAYER_OF[importer]
        if low > high or (low == high and low not in SIDEWAYS_ALLOWED):
            violations.append(f"{where}: {importer} (layer {high}) imports {imported} ({low})")
    assert violations == []


@pytest.mark.parametrize(
    ("importer", "imported", "expected"),
    [
        ("models", "training", False),
        ("training", "models", True),
        ("training", "evaluation", False),
    ],
)
def test_the_rule_itself(importer, imported, expected):
    low, high = LAYER_OF[imported], LAYER_OF[importer]
    assert (low < high or (low == high and low in SIDEWAYS_ALLOWED)) is expected
