"""Where a resource is declared, for SARIF locations: the source file of its nearest component.

Usage::

    from trustfabric.report.locations import component_sources

    files = component_sources(graph)        # URN -> "components/security/kms.py"
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..graph import ResourceGraph

_SKIP_DIRS = frozenset({"node_modules", "__pycache__", "site-packages", "tests", "venv", "build", "dist"})
_MAX_SOURCE_FILES = 2000


def _python_sources(root: Path) -> list[tuple[str, str]]:
    """(relative posix path, text) of the program's own Python files (no venvs, tests or hidden dirs)."""
    sources: list[tuple[str, str]] = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in _SKIP_DIRS)
        for filename in sorted(filenames):
            if not filename.endswith(".py"):
                continue
            path = Path(directory) / filename
            try:
                sources.append((path.relative_to(root).as_posix(), path.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError):
                continue
            if len(sources) >= _MAX_SOURCE_FILES:
                return sources
    return sources


def component_sources(graph: ResourceGraph) -> dict[str, str]:
    """URN -> source file (relative to the program dir) of the nearest component that declares the resource.

    A component's type token (`trustfabric:security:KmsKeyring`) appears as a string literal in the module
    that defines it; resources outside any component (or whose component cannot be found) are left out.
    """
    if not graph.program_dir or not Path(graph.program_dir).is_dir():
        return {}
    sources = _python_sources(Path(graph.program_dir))
    located: dict[str, str | None] = {}

    def locate(token: str) -> str | None:
        if token not in located:
            quoted = (f'"{token}"', f"'{token}'")
            located[token] = next((path for path, text in sources if any(q in text for q in quoted)), None)
        return located[token]

    files: dict[str, str] = {}
    for resource in graph.custom_resources:
        for ancestor in graph.ancestors(resource):
            if ancestor.custom:
                continue
            path = locate(ancestor.type)
            if path is not None:
                files[resource.urn] = path
                break
    return files


__all__ = ["component_sources"]
