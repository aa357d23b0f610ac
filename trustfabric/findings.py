"""The one Finding type every checker produces and every reporter reads.

Our CrossGuard policies, checkov (through the bridge) and the live-account audit all yield Findings, so the
text, JSON, SARIF and evidence reporters handle them alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .graph import ResourceGraph

ENFORCEMENT_LEVELS = ("advisory", "mandatory", "remediate", "disabled")
"""Every enforcement level a policy may have (CrossGuard's), the one list every part reads."""
MANDATORY_LEVELS = frozenset({"mandatory", "remediate"})
"""Levels that fail the gate: a remediation policy's violation counts as mandatory."""
SEVERITIES = ("low", "medium", "high", "critical")
"""Every severity, least severe first: the one list every part reads."""


def counts_as_mandatory(enforcement: str) -> bool:
    """True when a finding at this enforcement level fails the gate."""
    return enforcement in MANDATORY_LEVELS


@dataclass(frozen=True)
class ResourceRef:
    """The resource a finding is about (empty urn for stack-wide findings)."""

    urn: str = ""
    type: str = ""
    name: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"urn": self.urn, "type": self.type, "name": self.name}


@dataclass(frozen=True)
class Finding:
    """One violation (or advisory note) about one resource or the whole stack."""

    policy: str
    """Policy name (ours) or check id (checkov, audit)."""
    enforcement: str
    """advisory or mandatory; remediation policies report as mandatory."""
    severity: str
    message: str
    resource: ResourceRef = field(default_factory=ResourceRef)
    controls: tuple[str, ...] = ()
    """Controls evidenced, each "FRAMEWORK ID", e.g. "SOC2 CC6.1", "ISO27001:2022 A.8.24"."""
    source: str = "policy"
    """policy, checkov or audit."""
    remediation: str = ""
    also: tuple[str, ...] = ()
    """Ids of other checkers that found the same thing (a checkov check duplicating a policy)."""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_mandatory(self) -> bool:
        return counts_as_mandatory(self.enforcement)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "policy": self.policy,
            "enforcement": self.enforcement,
            "severity": self.severity,
            "message": self.message,
            "resource": self.resource.as_dict(),
            "controls": list(self.controls),
            "source": self.source,
        }
        if self.remediation:
            data["remediation"] = self.remediation
        if self.also:
            data["also"] = list(self.also)
        if self.extra:
            data["extra"] = self.extra
        return data


def stack_ref(graph: ResourceGraph) -> ResourceRef:
    """The stack itself, for stack-wide findings."""
    from .graph import STACK_TYPE

    name = f"{graph.project}-{graph.stack}"
    urn = graph.stack_urn or f"urn:pulumi:{graph.stack}::{graph.project}::{STACK_TYPE}::{name}"
    return ResourceRef(urn=urn, type=STACK_TYPE, name=name)


def resource_ref(graph: ResourceGraph, urn: str) -> ResourceRef:
    """urn, type and name of a resource: from the graph, else parsed from the URN; the stack for ''."""
    if not urn:
        return stack_ref(graph)
    resource = graph.get(urn)
    if resource is not None:
        return ResourceRef(urn=resource.urn, type=resource.type, name=resource.name)
    parts = urn.split("::")
    if len(parts) >= 4:
        return ResourceRef(urn=urn, type=parts[2].split("$")[-1], name="::".join(parts[3:]))
    return ResourceRef(urn=urn)


def named_resource_ref(graph: ResourceGraph, urn_or_name: str) -> ResourceRef:
    """The resource a reviewed entry names (by URN, else by logical name); the stack when none matches."""
    if graph.get(urn_or_name) is not None:
        return resource_ref(graph, urn_or_name)
    for resource in graph.custom_resources:
        if resource.name == urn_or_name:
            return resource_ref(graph, resource.urn)
    return stack_ref(graph)


def sort_key(finding: Finding) -> tuple[int, str, str, str]:
    """Most severe first, then by policy and resource: a stable order for every reporter."""
    rank = SEVERITIES.index(finding.severity) if finding.severity in SEVERITIES else -1
    return (-rank, finding.policy, finding.resource.urn, finding.message)
