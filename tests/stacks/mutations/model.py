"""The mutation model: one change to one real resource, the transformation that applies a run's changes, and the
removal of resources whose absence is the violation.

A `Mutation` breaks one real resource of `stacks/` (found by type and logical name) the way a careless change
would: a Pulumi resource transformation edits the resource's arguments as the program declares it (`edit`), or,
for a resource whose absence is the violation (no bucket policy, no audit device), the resource is deleted from
the recorded graph together with every reference to it (`edit=None`; a transformation cannot delete a resource).
`flagged` names the resource the policy must report when that is not the mutated one (stack policies report the
bucket whose public access block is gone, or the stack itself).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pulumi

from trustfabric.graph import ResourceGraph

Edit = Callable[[dict[str, Any]], dict[str, Any]]
"""Resource arguments (Python names, as a transformation sees them) -> the mutated arguments."""

STACK = "<stack>"
"""`flagged` value for a violation reported on the stack itself."""


@dataclass(frozen=True)
class Mutation:
    """One change to one real resource of a stack, and what the gate must report for it."""

    policy: str
    """The mandatory policy that must catch the change."""
    stack: str
    type: str
    """Type token of the mutated resource."""
    name: str
    """Logical name of the mutated resource (unique per type within the stack)."""
    change: str
    """What the mutation does, in words."""
    expect: str
    """Words the policy's violation message must contain (the property it judged)."""
    edit: Edit | None
    """The transformation of the resource's arguments; None deletes the resource from the graph."""
    flagged: tuple[str, str] | str | None = None
    """(type, name) of the resource the policy reports, or STACK; None: the mutated resource itself."""
    group: str = ""
    """Mutations of one group share a program run; empty: the stack's name."""

    @property
    def run_group(self) -> str:
        return self.group or self.stack

    @property
    def flagged_resource(self) -> tuple[str, str] | str:
        return self.flagged if self.flagged is not None else (self.type, self.name)


def groups(mutations: Iterable[Mutation]) -> dict[str, list[Mutation]]:
    """Mutations by run group, in table order."""
    found: dict[str, list[Mutation]] = {}
    for mutation in mutations:
        found.setdefault(mutation.run_group, []).append(mutation)
    return found


@dataclass
class Transformation:
    """A stack transformation applying the edits of `mutations` and counting what each one matched."""

    mutations: Sequence[Mutation]
    applied: Counter[int] = field(default_factory=Counter)

    def __call__(self, args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
        props = dict(args.props)
        matched = False
        for index, mutation in enumerate(self.mutations):
            if mutation.edit is None or (mutation.type, mutation.name) != (args.type_, args.name):
                continue
            props = mutation.edit(props)
            self.applied[index] += 1
            matched = True
        return pulumi.ResourceTransformationResult(props, args.opts) if matched else None

    def unapplied(self) -> list[Mutation]:
        """Edits that did not match exactly one resource of the run."""
        return [m for i, m in enumerate(self.mutations) if m.edit is not None and self.applied[i] != 1]


def delete_resources(graph: ResourceGraph, mutations: Sequence[Mutation]) -> ResourceGraph:
    """The graph without the resources the deleting mutations name, and without every reference to them.

    Raises LookupError when one of them does not match exactly one resource."""
    doomed: set[str] = set()
    for mutation in mutations:
        if mutation.edit is not None:
            continue
        found = [r.urn for r in graph.resources.values() if (r.type, r.name) == (mutation.type, mutation.name)]
        if len(found) != 1:
            raise LookupError(f"{mutation.policy}: {mutation.type} '{mutation.name}' matched {len(found)} resources")
        doomed.update(found)
    kept = {}
    for urn, resource in graph.resources.items():
        if urn in doomed:
            continue
        kept[urn] = replace(
            resource,
            dependencies=[d for d in resource.dependencies if d not in doomed],
            property_dependencies={
                key: [d for d in urns if d not in doomed] for key, urns in resource.property_dependencies.items()
            },
        )
    return replace(graph, resources=kept)
