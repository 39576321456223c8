"""Packages whose modules load on first use: ``netwarp.view.scene`` works without importing it first."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any


def submodules(package: str) -> Callable[[str], Any]:
    """A module ``__getattr__`` (PEP 562) for ``package`` that imports ``package.<name>`` on first use."""

    def __getattr__(name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return import_module(f"{package}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}.{name}":
                raise
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None

    return __getattr__
