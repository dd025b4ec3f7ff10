"""Project hooks: record the code version of every run in its MLflow run."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path
from typing import Any

import mlflow
from kedro.framework.hooks import hook_impl

logger = logging.getLogger(__name__)

#: The tag MLflow's UI shows as the run's source version.
GIT_COMMIT_TAG = "mlflow.source.git.commit"
#: "true" when the working tree had uncommitted changes, so the commit alone does not pin the code.
GIT_DIRTY_TAG = "synboost.git.dirty"


def _git(project_path: Path, *args: str) -> str | None:
    """Output of ``git -C project_path args``, or None outside a repository or without git."""
    try:
        completed = subprocess.run(
            ["git", "-C", str(project_path), *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return completed.stdout.strip()


def git_version(project_path: Path) -> dict[str, str]:
    """``{commit tag: sha, dirty tag: "true"|"false"}``, or ``{}`` if not a git work tree."""
    commit = _git(project_path, "rev-parse", "HEAD")
    if not commit:
        return {}
    status = _git(project_path, "status", "--porcelain", "--untracked-files=no")
    return {GIT_COMMIT_TAG: commit, GIT_DIRTY_TAG: str(bool(status)).lower()}


class GitCommitHook:
    """Tags the active MLflow run with the project's git commit.

    kedro-mlflow's hook (a plugin, so registered after and called before this one) has started
    the run by then. MLflow's own commit detection looks at the ``kedro`` executable's folder,
    which is not the project when the virtualenv lives elsewhere; this reads the project folder.
    """

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any]) -> None:
        if mlflow.active_run() is None:
            return
        tags = git_version(Path(run_params["project_path"]))
        if not tags:
            logger.info(
                "'%s' is not a git work tree; no commit recorded", run_params["project_path"]
            )
            return
        mlflow.set_tags(tags)
