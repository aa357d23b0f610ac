"""Differences between two resource graphs: what a reviewer reads in a PR, or before a failover.

Resources are matched by URN; a changed resource lists each changed property by its path (`tags.owner`,
`rules[0].lifecycle.deleteAfter`) with the old and new value. Secret values are never shown. A resource whose
recorded aliases name a URN that only the old graph has is a move (the engine would adopt it, not replace it),
shown as one `>` line from the old URN, with its property changes, instead of a removal and an addition. Source
locations are not compared: a resource declared on another line is the same resource.

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

# Fields of a resource record compared besides its inputs; never its source locations (`source`, `call_site`):
# where a resource is declared is no change to what it is.
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
    moved: list[tuple[Resource, Resource]] = field(default_factory=list)
    """(old, new) pairs: the new resource names the old URN among its aliases."""

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.outputs or self.moved)

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": [{"urn": r.urn, "type": r.type, "name": r.name, "region": r.region} for r in self.added],
            "removed": [{"urn": r.urn, "type": r.type, "name": r.name, "region": r.region} for r in self.removed],
            "changed": {urn: [c.as_dict() for c in changes] for urn, changes in self.changed.items()},
            "outputs": [c.as_dict() for c in self.outputs],
            "moved": [{"from": old.urn, "to": new.urn, "type": new.type} for old, new in self.moved],
        }

    def summary(self) -> str:
        return (
            f"{len(self.added)} to add, {len(self.changed)} to change, {len(self.removed)} to remove"
            f"{f', {len(self.moved)} to move' if self.moved else ''}"
            f"{', stack outputs change' if self.outputs else ''}"
        )

    def render_text(self) -> str:
        lines: list[str] = []
        for resource in self.added:
            lines.append(f"+ {resource.type} {resource.name} [{resource.region or '-'}]")
        for resource in self.removed:
            lines.append(f"- {resource.type} {resource.name} [{resource.region or '-'}]")
        for old, new in self.moved:
            origin = f"{old.name} (child of {old.parent.split('::')[-1]})" if old.parent else old.name
            lines.append(f"> {new.type} {new.name} [{new.region or '-'}] moved from {origin}")
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


def alias_keys(resource: Resource, graph: ResourceGraph) -> list[str]:
    """The stack-free URN keys a resource's recorded aliases name (`options.aliases`, as the engine records
    them: `{"urn": ...}` or `{"spec": {name?, type?, parentUrn?, noParent?}}`)."""
    keys: list[str] = []
    own_parent_type = _key(resource.urn).split("::")[1].rsplit("$", 1)[0] if resource.parent else ""
    for alias in resource.options.get("aliases") or []:
        if "urn" in alias:
            keys.append(_key(alias["urn"]))
            continue
        spec = alias.get("spec") or {}
        name = spec.get("name", resource.name)
        type_ = spec.get("type", resource.type)
        if spec.get("noParent"):
            qualified = type_
        elif spec.get("parentUrn"):  # empty: the resource's own parent
            qualified = f"{spec['parentUrn'].split('::')[2]}${type_}"
        else:
            qualified = f"{own_parent_type}${type_}" if own_parent_type else type_
        keys.append(f"{spec.get('project', graph.project)}::{qualified}::{name}")
    return keys


def diff_graphs(old: ResourceGraph, new: ResourceGraph) -> GraphDiff:
    """What changes going from `old` to `new` (which may be another stack of the same program)."""
    result = GraphDiff()
    old_by_key = {_key(urn): resource for urn, resource in old.resources.items()}
    new_by_key = {_key(urn): resource for urn, resource in new.resources.items()}
    pairs = [(key, key) for key in sorted(set(old_by_key) & set(new_by_key))]
    moved_from: set[str] = set()
    for key in sorted(set(new_by_key) - set(old_by_key)):
        source = next(
            (
                alias
                for alias in alias_keys(new_by_key[key], new)
                if alias in old_by_key and alias not in new_by_key and alias not in moved_from
            ),
            None,
        )
        if source is None:
            result.added.append(new_by_key[key])
        else:
            moved_from.add(source)
            result.moved.append((old_by_key[source], new_by_key[key]))
            pairs.append((source, key))
    for key in sorted(set(old_by_key) - set(new_by_key) - moved_from):
        result.removed.append(old_by_key[key])
    for old_key, new_key in pairs:
        changes: list[PropertyChange] = []
        old_record = _record(old_by_key[old_key], old.stack)
        new_record = _record(new_by_key[new_key], new.stack)
        if old_key != new_key:  # a move: its new parent and aliases are the move itself, not changes
            for field_name in ("parent",):
                old_record.pop(field_name, None)
                new_record.pop(field_name, None)
            new_record.get("options", {}).pop("aliases", None)
        _walk("", old_record, new_record, changes)
        if changes:
            result.changed[new_by_key[new_key].urn] = changes
    old_outputs = json.loads(json.dumps(old.to_dict()["outputs"]))
    new_outputs = json.loads(json.dumps(new.to_dict()["outputs"]))
    _walk("", old_outputs, new_outputs, result.outputs)
    return result
