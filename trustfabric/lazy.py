"""Lazy exports of a package: its names imported from their modules on first use (PEP 562), so that importing
one module of the package (or the CLI, which imports many) does not load all of them.

Usage (in a package's `__init__.py`)::

    __getattr__ = lazy_exports(__name__, {"run_restore": "restore", "Step": "report"})
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` that imports each name of `homes` from its module (relative to `package`)."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f".{home}", package), name)

    return __getattr__
