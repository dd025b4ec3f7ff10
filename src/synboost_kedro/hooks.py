"""Project hooks: a self-contained MLflow store, runs that read well in the MLflow UI, and the
environment's evaluation benchmarks in the pipelines and the catalog."""

from __future__ import annotations

import logging
import shlex
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import mlflow
from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl
from kedro.io import CatalogProtocol

from synboost_kedro.storage.tracking_store import relocate_artifact_root, sqlite_database

if TYPE_CHECKING:
    from synboost_kedro.pipelines.sets import Benchmark

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


#: The experiment tag that makes the MLflow UI open the model-training view, not the GenAI one.
EXPERIMENT_KIND_TAG = "mlflow.experimentKind"
EXPERIMENT_KIND = "custom_model_development"
#: The run tag holding the command line that started the run.
COMMAND_TAG = "command"
#: The run tag holding the Kedro environment (kedro-mlflow leaves it out for the default one).
ENV_TAG = "env"


def run_name(pipeline_names: list[str] | None, started: datetime) -> str:
    """``"train 09:41"``: what the run did, and when, as the runs table shows it."""
    names = [name.removeprefix("__").removesuffix("__") for name in pipeline_names or ["default"]]
    return f"{'+'.join(names)} {started:%H:%M}"


def command_line(run_params: dict[str, Any]) -> str:
    """The command that started the run: the real one from a ``kedro`` command line, else
    the ``kedro run`` that would repeat it (a session started from Python)."""
    cli = click.get_current_context(silent=True)
    if cli is not None:
        return shlex.join([cli.find_root().info_name or "kedro", *sys.argv[1:]])
    words = ["kedro", "run"]
    if run_params.get("pipeline_names"):
        words.append(f"--pipelines={','.join(run_params['pipeline_names'])}")
    if run_params.get("env"):
        words.append(f"--env={run_params['env']}")
    return shlex.join(words)


class TrackingHook:
    """Keeps the MLflow store inside the project and makes each run say what it was.

    Called after kedro-mlflow's hook (a plugin, so registered after and called before this
    one), which has set up the store and the experiment, and, before a pipeline, started the
    run and tagged it with Kedro's run parameters. MLflow's own commit detection looks at the
    ``kedro`` executable's folder, which is not the project when the virtualenv lives
    elsewhere, so the commit is read from the project folder.
    """

    def __init__(self) -> None:
        self._env: str | None = None

    @hook_impl
    def after_context_created(self, context: Any) -> None:
        loader = context.config_loader
        self._env = context.env or getattr(loader, "default_run_env", None)
        config = getattr(context, "mlflow", None)
        if config is None:
            return
        database = sqlite_database(config.server.mlflow_tracking_uri or "")
        if database is not None and database.exists():
            for old_root in relocate_artifact_root(database):
                logger.info(
                    "MLflow artifacts of '%s' now resolve to '%s' (the project was copied or "
                    "moved)",
                    old_root,
                    database.resolve().parent / "mlruns",
                )
        experiment = mlflow.get_experiment_by_name(config.tracking.experiment.name)
        if experiment is not None:
            mlflow.MlflowClient().set_experiment_tag(
                experiment.experiment_id, EXPERIMENT_KIND_TAG, EXPERIMENT_KIND
            )

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any]) -> None:
        run = mlflow.active_run()
        if run is None:
            return
        client = mlflow.MlflowClient()
        tags = client.get_run(run.info.run_id).data.tags
        for key in tags.keys() & {*run_params, "kedro_command"}:
            client.delete_tag(run.info.run_id, key)
        project_path = Path(run_params["project_path"])
        version = git_version(project_path)
        if not version:
            logger.info("'%s' is not a git work tree; no commit recorded", project_path)
        mlflow.set_tags(
            {
                **version,
                ENV_TAG: run_params.get("env") or self._env,
                "mlflow.runName": run_name(run_params.get("pipeline_names"), datetime.now()),
                COMMAND_TAG: command_line(run_params),
            }
        )


class ParameterCheckHook:
    """Refuses a run whose parameters hold an unknown key or an invalid value, before it starts."""

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any], catalog: Any) -> None:
        # Imported here: it imports every pipeline's nodes (torch included, ~4 s), which
        # settings.py would otherwise load for every `kedro` command, `--help` too.
        from synboost_kedro.pipelines.parameters import check_parameters

        check_parameters(catalog.load("parameters"))


class BenchmarkHook:
    """Builds the run for the evaluation benchmarks of its environment (``benchmarks.yml``).

    When a session's context is created, which is before Kedro first reads the pipelines, the
    benchmarks of the context's environment (``--env`` or ``KEDRO_ENV`` over ``conf/base``) go
    to the pipeline registry; each new catalog then gets a ``<benchmark>.raw`` dataset per
    benchmark, so no catalog entry has to repeat the folder and format.
    """

    def __init__(self) -> None:
        self._benchmarks: tuple[Benchmark, ...] = ()

    @hook_impl
    def after_context_created(self, context: KedroContext) -> None:
        # Imported here: the registry imports the settings, which import this module.
        from synboost_kedro.pipeline_registry import configure_benchmarks
        from synboost_kedro.pipelines.sets import load_benchmarks

        self._benchmarks = load_benchmarks(context.config_loader)
        configure_benchmarks(self._benchmarks)

    @hook_impl
    def after_catalog_created(self, catalog: CatalogProtocol) -> None:
        for benchmark in self._benchmarks:
            name = f"{benchmark.name}.raw"
            if name in catalog:
                raise ValueError(
                    f"Benchmark '{benchmark.name}' is configured in benchmarks.yml and its "
                    f"'{name}' also in the catalog; keep one"
                )
            catalog[name] = benchmark.dataset()
