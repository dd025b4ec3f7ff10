"""Small helpers shared by datasets, models and pipelines (Kedro-free)."""

from synboost_kedro.utils.atomic import atomic_path, atomic_write_bytes
from synboost_kedro.utils.seeding import seed_everything

__all__ = ["atomic_path", "atomic_write_bytes", "seed_everything"]
