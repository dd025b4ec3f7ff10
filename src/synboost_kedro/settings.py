"""Project settings. https://docs.kedro.org/en/stable/kedro_project_setup/settings.html"""

from kedro.config import OmegaConfigLoader

from synboost_kedro.console import quiet_upstream_warnings, rich_logging_on_terminal
from synboost_kedro.hooks import BenchmarkHook, ParameterCheckHook, TrackingHook

quiet_upstream_warnings()
rich_logging_on_terminal()

HOOKS = (ParameterCheckHook(), TrackingHook(), BenchmarkHook())

CONFIG_LOADER_CLASS = OmegaConfigLoader
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    # The evaluation benchmarks (pipelines/sets.py), one file per environment.
    "config_patterns": {"benchmarks": ["benchmarks*", "benchmarks*/**", "**/benchmarks*"]},
    # An environment lists only the parameters and benchmarks it changes; they are merged onto
    # the base key by key instead of replacing whole top-level sections.
    "merge_strategy": {"parameters": "soft", "benchmarks": "soft"},
}
