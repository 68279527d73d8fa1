"""Things chosen by name (models, losses, metrics, text encoders): one generic registry.

A registry can own packages: the first lookup imports every module in them, so a new model,
metric or text encoder is one new file that registers itself, found without editing an import list.
"""
from __future__ import annotations

import importlib
import pkgutil
from typing import Callable, Generic, TypeVar

from couturier.errors import ConfigError, CouturierError

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str, package: str | tuple[str, ...] = (), field: str | None = None,
                 error: type[CouturierError] = ConfigError):
        self.kind, self.field, self.error = kind, field, error
        self.packages = (package,) if isinstance(package, str) else tuple(package)
        self.plural = kind + ("es" if kind.endswith("s") else "s")
        self._items: dict[str, T] = {}
        self._discovered = not self.packages

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator: `@MODELS.register("dcgan")` above a class or function."""
        def decorator(item: T) -> T:
            if name in self._items and self._items[name] is not item:
                raise ValueError(f"two {self.kind}s are registered as {name!r}")
            self._items[name] = item
            return item

        return decorator

    def names(self) -> list[str]:
        self._discover()
        return sorted(self._items)

    def get(self, name: str) -> T:
        self._discover()
        if name not in self._items:
            raise self.error(f"unknown {self.kind} {name!r}; valid {self.plural}: {', '.join(self.names())}",
                             field=self.field)
        return self._items[name]

    def items(self) -> list[tuple[str, T]]:
        return [(name, self._items[name]) for name in self.names()]

    def _discover(self) -> None:
        if self._discovered:
            return
        self._discovered = True
        for name in self.packages:
            package = importlib.import_module(name)
            for module in pkgutil.iter_modules(package.__path__):
                if not module.name.startswith("_"):
                    importlib.import_module(f"{name}.{module.name}")
