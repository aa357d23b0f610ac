"""Source lines for graphs of small test programs, where the engine has not recorded them.

The engine records each resource's declaring line (`Resource.source`) and, for a resource declared inside a
component, the program line that called into it (`Resource.call_site`). For the small programs of these tests
the same facts are plain to read: a resource is declared on the one line that holds its name as a string
literal, and a component is called from `__main__.py` on the line that holds its name. `with_source_lines`
fills what a graph lacks from that reading and leaves recorded locations alone, so the tests' literal line
numbers hold whether or not the engine records them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from trustfabric.graph import Resource, ResourceGraph, SourceLocation


def _line_of(root: Path, name: str, files: list[Path]) -> SourceLocation | None:
    for path in files:
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if f'"{name}"' in text:
                return SourceLocation(path.relative_to(root).as_posix(), number)
    return None


def _outermost_component(graph: ResourceGraph, resource: Resource) -> Resource | None:
    components = [ancestor for ancestor in graph.ancestors(resource) if not ancestor.custom]
    return components[-1] if components else None


def fill_source_lines(graph: ResourceGraph) -> ResourceGraph:
    """The graph with `source` and `call_site` read from its program's text where it has none."""
    root = Path(graph.program_dir)
    files = sorted(root.glob("*.py"), key=lambda path: (path.name == "__main__.py", path.name))
    main = [root / "__main__.py"]
    for resource in graph:
        if resource.source is None:
            resource.source = _line_of(root, resource.name, files)
        component = _outermost_component(graph, resource)
        if resource.call_site is None and component is not None:
            resource.call_site = _line_of(root, component.name, main)
    return graph


def with_source_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every run of the engine in this test fill source lines (see the module docstring)."""
    import trustfabric.engine

    real: Callable[..., ResourceGraph] = trustfabric.engine.run_program

    def run_program(*args: Any, **kwargs: Any) -> ResourceGraph:
        return fill_source_lines(real(*args, **kwargs))

    monkeypatch.setattr(trustfabric.engine, "run_program", run_program)


def without_source_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every run of the engine in this test forget source lines: a graph recorded before they were."""
    import trustfabric.engine

    real: Callable[..., ResourceGraph] = trustfabric.engine.run_program

    def run_program(*args: Any, **kwargs: Any) -> ResourceGraph:
        graph = real(*args, **kwargs)
        for resource in graph:
            resource.source = resource.call_site = None
        return graph

    monkeypatch.setattr(trustfabric.engine, "run_program", run_program)


__all__ = ["fill_source_lines", "with_source_lines", "without_source_lines"]
