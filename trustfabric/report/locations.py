"""Where a finding points in the source, for every report: the line that declares its resource.

A finding about a resource of the graph locates, in this order, at:

1. the line that declares the resource (`Resource.source`, recorded by the engine), with the program-level line
   that called into its component (`Resource.call_site`) when that is another line;
2. the source file of the resource's nearest component, found by the component's type token (no line), for
   graphs recorded without source lines;
3. the stack file `Pulumi.<stack>.yaml` (no line): stack-wide findings, resources outside any component (the
   project file `Pulumi.yaml` when a graph's stack file is gone).

Every location is relative to a source root (the program dir; `%SRCROOT%` in SARIF) and names a file that exists
under it: a recorded location outside the root, or of a file since removed, falls through to the next rule.
Findings of the live-account audit are not about the graph: they locate at the file that declares the baseline
they drift from (`by_policy`, see `trustfabric.audit.audit_locator`).

Usage::

    from trustfabric.report.locations import graph_locator

    locator = graph_locator(graph)
    str(locator.locate(finding))     # "components/security/kms.py:120 (via stacks/security.py:44)"
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..graph import SourceLocation

if TYPE_CHECKING:
    from ..findings import Finding
    from ..graph import Resource, ResourceGraph

_SKIP_DIRS = frozenset({"node_modules", "__pycache__", "site-packages", "tests", "venv", "build", "dist"})
_MAX_SOURCE_FILES = 2000


@dataclass(frozen=True)
class Location:
    """A place in the source tree: a file relative to the source root, its line when known, and the line that
    called into the component declaring the resource when that is another line."""

    file: str
    line: int | None = None
    call_site: SourceLocation | None = None

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}" if self.line is not None else self.file
        if self.call_site is not None:
            text += f" (via {self.call_site.file}:{self.call_site.line})"
        return text

    def as_dict(self) -> dict[str, Any]:
        """`{"file", "line"}`; line is null when only the file is known."""
        return {"file": self.file, "line": self.line}


@dataclass(frozen=True)
class Locator:
    """Finds the location of each finding: by its resource's URN, else by its policy, else the default."""

    default: Location
    root: Path | None = None
    """The source root every location is relative to (the program dir); None when unknown."""
    by_urn: Mapping[str, Location] = field(default_factory=dict)
    by_policy: Mapping[str, Location] = field(default_factory=dict)

    def locate(self, finding: Finding) -> Location:
        return self.by_urn.get(finding.resource.urn) or self.by_policy.get(finding.policy) or self.default


def stack_file_locator(stack: str) -> Locator:
    """Every finding at `Pulumi.<stack>.yaml`, for reports rendered without a graph (no root is known)."""
    return Locator(default=Location(f"Pulumi.{stack}.yaml"))


def existing_file(root: Path, file: str) -> str | None:
    """`file` as a POSIX path relative to `root` when it names a file under `root`, else None."""
    candidate = Path(file)
    path = candidate if candidate.is_absolute() else root / candidate
    try:
        relative = path.resolve().relative_to(root.resolve())
    except (OSError, ValueError):
        return None
    return relative.as_posix() if path.is_file() else None


def _declared_at(resource: Resource, exists: Callable[[str], str | None]) -> Location | None:
    """Rule 1: the resource's recorded declaring line (and call site), when its file exists under the root."""
    source = resource.source
    if source is None or source.line < 1:
        return None
    file = exists(source.file)
    if file is None:
        return None
    call_site = None
    if resource.call_site is not None and resource.call_site.line >= 1:
        call_file = exists(resource.call_site.file)
        if call_file is not None and (call_file, resource.call_site.line) != (file, source.line):
            call_site = SourceLocation(call_file, resource.call_site.line)
    return Location(file, source.line, call_site)


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


def component_sources(graph: ResourceGraph, resources: list[Resource] | None = None) -> dict[str, str]:
    """URN -> source file (relative to the program dir) of the nearest component that declares the resource.

    A component's type token (`trustfabric:security:KmsKeyring`) appears as a string literal in the module
    that defines it; resources outside any component (or whose component cannot be found) are left out.
    `resources` limits the search (default: every custom resource).
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
    for resource in graph.custom_resources if resources is None else resources:
        for ancestor in graph.ancestors(resource):
            if ancestor.custom:
                continue
            path = locate(ancestor.type)
            if path is not None:
                files[resource.urn] = path
                break
    return files


def graph_locator(graph: ResourceGraph) -> Locator:
    """The locator of a graph's findings (see the module docstring), rooted at its program dir."""
    stack_file = f"Pulumi.{graph.stack}.yaml"
    if not graph.program_dir or not Path(graph.program_dir).is_dir():
        return stack_file_locator(graph.stack)
    root = Path(graph.program_dir)
    checked: dict[str, str | None] = {}

    def exists(file: str) -> str | None:
        if file not in checked:
            checked[file] = existing_file(root, file)
        return checked[file]

    by_urn: dict[str, Location] = {}
    undeclared: list[Resource] = []
    for resource in graph:
        location = _declared_at(resource, exists)
        if location is not None:
            by_urn[resource.urn] = location
        elif resource.custom and not resource.is_provider:
            undeclared.append(resource)
    if undeclared:
        for urn, file in component_sources(graph, undeclared).items():
            by_urn[urn] = Location(file)
    default = next(
        (Location(name) for name in (stack_file, "Pulumi.yaml", "Pulumi.yml") if (root / name).is_file()),
        Location(stack_file),
    )
    return Locator(default=default, root=root, by_urn=by_urn)


__all__ = [
    "Location",
    "Locator",
    "component_sources",
    "existing_file",
    "graph_locator",
    "stack_file_locator",
]
