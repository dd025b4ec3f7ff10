"""Keep a project's local MLflow store self-contained when the project folder is copied or moved.

MLflow stores every artifact location as an absolute path (``<folder>/mlruns/<experiment>/…``),
resolved once, when the experiment is created. A copied project would keep logging its runs'
artifacts into the first folder's ``mlruns/``. :func:`relocate_artifact_root` rewrites the
locations of a local SQLite store so that they point into ``mlruns/`` beside the database again.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import urlparse

#: The artifact folder MLflow uses beside a local tracking database (``./mlruns``).
ARTIFACT_FOLDER = "mlruns"

#: Every column of MLflow's SQL schema that holds a local artifact path.
_LOCATION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("experiments", "artifact_location"),
    ("runs", "artifact_uri"),
    ("logged_models", "artifact_location"),
    ("model_versions", "storage_location"),
)


def sqlite_database(tracking_uri: str) -> Path | None:
    """The database file of a ``sqlite:///`` tracking URI (relative to the working directory,
    as MLflow reads it), or None for any other kind of store."""
    if not tracking_uri.startswith("sqlite:///"):
        return None
    return Path(tracking_uri.removeprefix("sqlite:///"))


def _local_path(location: str) -> str | None:
    """``location`` as a plain filesystem path, or None if it is not local."""
    parsed = urlparse(location)
    if parsed.scheme == "file":
        return parsed.path
    return location if parsed.scheme == "" else None


def _foreign_roots(connection: sqlite3.Connection, root: str) -> set[str]:
    """Artifact roots (``…/mlruns``) of the store's experiments that are not ``root``."""
    roots = set()
    for (location,) in connection.execute("SELECT artifact_location FROM experiments"):
        path = _local_path(location or "")
        if path is None:
            continue  # a remote artifact store is where the user wants it
        parent = str(Path(path).parent)
        if Path(parent).name == ARTIFACT_FOLDER and parent != root:
            roots.add(parent)
    return roots


def _tables(connection: sqlite3.Connection) -> set[str]:
    return {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}


def relocate_artifact_root(database: Path) -> list[str]:
    """Point every local artifact location of ``database`` at ``mlruns/`` beside it.

    Locations under another folder's ``mlruns/`` (the store was copied or moved with its
    project) are rewritten in one transaction; remote locations are left alone.

    Returns:
        The artifact roots that were replaced; empty if the store was already in place.
    """
    root = str(database.resolve().parent / ARTIFACT_FOLDER)
    with closing(sqlite3.connect(database)) as connection, connection:
        if "experiments" not in _tables(connection):
            return []
        old_roots = sorted(_foreign_roots(connection, root))
        tables = _tables(connection)
        for old_root in old_roots:
            for table, column in _LOCATION_COLUMNS:
                if table not in tables:
                    continue
                for prefix in (old_root, f"file://{old_root}"):
                    connection.execute(
                        f"UPDATE {table} SET {column} = ? || substr({column}, ?) "  # noqa: S608
                        f"WHERE {column} = ? OR {column} LIKE ? ESCAPE '\\'",
                        (root, len(prefix) + 1, prefix, _like_prefix(prefix + "/")),
                    )
    return old_roots


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"
