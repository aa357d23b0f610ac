"""The gate's findings: analyzer diagnostics, loosened config and expired exemptions, as Findings.

- a diagnostic is a Finding about the resource it names (a remediate policy reports as mandatory); a policy the
  SDK could not run during preview (it touched an unknown value) is an advisory finding, never a pass;
- a configured property loosened below its policy's floor is a mandatory finding about the stack;
- an expired exemption is a mandatory finding about the resource it named.

Usage::

    from trustfabric.gate.verdicts import diagnostic_finding

    finding = diagnostic_finding(diagnostic, policy_info(policy), graph)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..findings import SEVERITIES, Finding, counts_as_mandatory, named_resource_ref, resource_ref, stack_ref
from ..graph import ResourceGraph
from ..reviewed import ReviewedEntry
from .analyzer import Diagnostic
from .config import PolicyConfig
from .floors import info_floors
from .info import PolicyInfo

UNKNOWN_POLICY = PolicyInfo(name="")
"""The record for a diagnostic or exemption naming no policy of the run: no controls, no remediation."""


def diagnostic_finding(diagnostic: Diagnostic, info: PolicyInfo | None, graph: ResourceGraph) -> Finding:
    """One analyzer Diagnostic as a Finding (remediate reports as mandatory; can't-run as advisory)."""
    if info is None:  # not a policy of this run: what the SDK reported
        info = replace(UNKNOWN_POLICY, severity=diagnostic.severity if diagnostic.severity in SEVERITIES else "medium")
    if diagnostic.cannot_run:
        reason = diagnostic.message.split("during preview: ", 1)[-1]
        enforcement = "advisory"
        message = f"not evaluated: {reason}; compliance is not proven until the value is known"
        extra = {"kind": "cannot-run"}
    else:
        enforcement = "mandatory" if counts_as_mandatory(diagnostic.enforcement) else "advisory"
        message, extra = diagnostic.detail, {}
    return Finding(
        policy=diagnostic.policy,
        enforcement=enforcement,
        severity=info.severity,
        message=message,
        resource=resource_ref(graph, diagnostic.urn),
        controls=info.control_ids,
        remediation=info.remediation,
        extra=extra,
    )


def floor_findings(config: PolicyConfig, infos: Sequence[PolicyInfo], graph: ResourceGraph) -> list[Finding]:
    """A mandatory finding per configured property loosened below its policy's floor."""
    found: list[Finding] = []
    for info in infos:
        configured = config.properties.get(info.name, {})
        if not configured:
            continue
        for prop, floor in info_floors(info).items():
            if prop not in configured or not floor.loosened_by(configured[prop]):
                continue
            controls = info.control_ids
            found.append(
                Finding(
                    policy=info.name,
                    enforcement="mandatory",
                    severity=info.severity,
                    message=(
                        f"config loosens {prop} to {configured[prop]}, {floor.beyond} {floor.value}; "
                        f"controls {', '.join(controls) or '-'} report failing"
                    ),
                    resource=stack_ref(graph),
                    controls=controls,
                    remediation=(
                        f"Set {prop} to {floor.value} or stronger in {config.source}, or remove the override."
                    ),
                    extra={"kind": "loosened-config"},
                )
            )
    return found


def expired_finding(exemption: ReviewedEntry, info: PolicyInfo | None, graph: ResourceGraph, source: str) -> Finding:
    """An exemption past its expiry date: a mandatory finding about the resource it named."""
    info = info or UNKNOWN_POLICY
    return Finding(
        policy=exemption.check,
        enforcement="mandatory",
        severity=info.severity,
        message=(
            f"exemption for {exemption.check} on {exemption.resource} expired on "
            f"{exemption.expires.isoformat()} (approved by {exemption.approver})"
        ),
        resource=named_resource_ref(graph, exemption.resource),
        controls=info.control_ids,
        remediation=f"Fix the violation and remove the exemption, or renew it after review in {source}.",
        extra={"kind": "expired-exemption"},
    )


__all__ = ["diagnostic_finding", "expired_finding", "floor_findings"]
