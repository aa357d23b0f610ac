"""Differences between two resource graphs: what a reviewer reads in a PR, or before a failover.

Resources are matched by URN; a changed resource lists each changed property by its path (`tags.owner`,
`rules[0].lifecycle.deleteAfter`) with the old and new value. Secret values are never shown.

Usage::

    from trustfabric.diff import diff_graphs

    changes = diff_graphs(golden_graph, current_graph)
    print(changes.render_text())
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .graph import Resource, ResourceGraph

# Fields of a resource record compared besides its inputs.
_COMPARED = ("type", "parent", "provider", "region", "dependencies", "options", "outputs")


@dataclass(frozen=True)
class PropertyChange:
    path: str
    old: Any
    new: Any

    def as_dict(self) -> dict[str, Any]:
        """JSON form; a property that is absent on one side is null there and named in `absent`."""
        data = {
            "path": self.path,
            "old": None if self.old is _MISSING else self.old,
            "new": None if self.new is _MISSING else self.new,
        }
        if self.old is _MISSING:
            data["absent"] = "old"
        elif self.new is _MISSING:
            data["absent"] = "new"
        return data


@dataclass
class GraphDiff:
    added: list[Resource] = field(default_factory=list)
    removed: list[Resource] = field(default_factory=list)
    changed: dict[str, list[PropertyChange]] = field(default_factory=dict)
    outputs: list[PropertyChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.outputs)

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": [{"urn": r.urn, "type": r.type, "name": r.name, "region": r.region} for r in self.added],
            "removed": [{"urn": r.urn, "type": r.type, "name": r.name, "region": r.region} for r in self.removed],
            "changed": {urn: [c.as_dict() for c in changes] for urn, changes in self.changed.items()},
            "outputs": [c.as_dict() for c in self.outputs],
        }

    def summary(self) -> str:
        return (
            f"{len(self.added)} to add, {len(self.changed)} to change, {len(self.removed)} to remove"
            f"{', stack outputs change' if self.outputs else ''}"
        )

    def render_text(self) -> str:
        lines: list[str] = []
        for resource in self.added:
            lines.append(f"+ {resource.type} {resource.name} [{resource.region or '-'}]")
        for resource in self.removed:
            lines.append(f"- {resource.type} {resource.name} [{resource.region or '-'}]")
        for urn, changes in self.changed.items():
            type_, name = urn.split("::")[-2].split("$")[-1], urn.split("::")[-1]
            lines.append(f"~ {type_} {name}")
            for change in changes:
                lines.append(f"    {change.path}: {_show(change.old)} => {_show(change.new)}")
        for change in self.outputs:
            lines.append(f"~ output {change.path}: {_show(change.old)} => {_show(change.new)}")
        lines.append(self.summary() if not self.empty else "no changes")
        return "\n".join(lines) + "\n"


def _show(value: Any) -> str:
    if value is _MISSING:
        return "(absent)"
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 120 else text[:117] + "..."


_MISSING: Any = object()


def _walk(path: str, old: Any, new: Any, out: list[PropertyChange]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            child = f"{path}.{key}" if path else str(key)
            _walk(child, old.get(key, _MISSING), new.get(key, _MISSING), out)
        return
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            _walk(f"{path}[{index}]", a, b, out)
        return
    if old != new:
        out.append(PropertyChange(path, old, new))


def _record(resource: Resource, stack: str) -> dict[str, Any]:
    data = resource.to_dict()
    record = {key: data[key] for key in _COMPARED}
    record["inputs"] = data["inputs"]
    # URNs embed the stack name; compare two stacks by what they declare, not by what they are called.
    text = json.dumps(record).replace(f"urn:pulumi:{stack}::", "urn:pulumi:STACK::")
    return json.loads(text)


def _key(urn: str) -> str:
    """The URN without its stack name: `project::qualified-type::name`."""
    return urn.split("::", 1)[1] if urn.startswith("urn:pulumi:") else urn


def diff_graphs(old: ResourceGraph, new: ResourceGraph) -> GraphDiff:
    """What changes going from `old` to `new` (which may be another stack of the same program)."""
    result = GraphDiff()
    old_by_key = {_key(urn): resource for urn, resource in old.resources.items()}
    new_by_key = {_key(urn): resource for urn, resource in new.resources.items()}
    for key in sorted(set(new_by_key) - set(old_by_key)):
        result.added.append(new_by_key[key])
    for key in sorted(set(old_by_key) - set(new_by_key)):
        result.removed.append(old_by_key[key])
    for key in sorted(set(old_by_key) & set(new_by_key)):
        changes: list[PropertyChange] = []
        _walk("", _record(old_by_key[key], old.stack), _record(new_by_key[key], new.stack), changes)
        if changes:
            result.changed[new_by_key[key].urn] = changes
    old_outputs = json.loads(json.dumps(old.to_dict()["outputs"]))
    new_outputs = json.loads(json.dumps(new.to_dict()["outputs"]))
    _walk("", old_outputs, new_outputs, result.outputs)
    return result
