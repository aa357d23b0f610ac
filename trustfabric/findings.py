"""The one Finding type every checker produces and every reporter reads.

Our CrossGuard policies, checkov (through the bridge) and the live-account audit all yield Findings, so the
text, JSON, SARIF and evidence reporters handle them alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ENFORCEMENT_LEVELS = ("advisory", "mandatory", "remediate", "disabled")
SEVERITIES = ("low", "medium", "high", "critical")


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
        return self.enforcement in ("mandatory", "remediate")

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


def sort_key(finding: Finding) -> tuple[int, str, str, str]:
    """Most severe first, then by policy and resource: a stable order for every reporter."""
    rank = SEVERITIES.index(finding.severity) if finding.severity in SEVERITIES else -1
    return (-rank, finding.policy, finding.resource.urn, finding.message)
