"""A name → builder registry, so configuration picks an architecture by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from torch import nn

Builder = TypeVar("Builder", bound=Callable[..., nn.Module])


class Registry:
    """Builders of one kind of network, looked up by the ``architecture`` name in the parameters."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._builders: dict[str, Callable[..., nn.Module]] = {}

    def register(self, name: str) -> Callable[[Builder], Builder]:
        def decorator(builder: Builder) -> Builder:
            if name in self._builders:
                raise ValueError(f"{self.kind} architecture '{name}' is registered twice")
            self._builders[name] = builder
            return builder

        return decorator

    @property
    def names(self) -> list[str]:
        return sorted(self._builders)

    def create(self, architecture: str, **options: Any) -> nn.Module:
        """Build the network named ``architecture`` with ``options``."""
        try:
            builder = self._builders[architecture]
        except KeyError:
            raise ValueError(
                f"Unknown {self.kind} architecture '{architecture}'; choose one of {self.names}"
            ) from None
        return builder(**options)
