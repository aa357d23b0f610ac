"""SARIF 2.1.0 for code-scanning UIs: one rule per policy record, one result per finding.

Results locate at `Pulumi.<stack>.yaml` (or the source file of the component that declares the resource, see
trustfabric.report.locations), with the resource URN as a logical location; exempted findings are included with
an accepted external suppression. A finding of a checker without a record (checkov, audit) gets a minimal rule.

Usage::

    from trustfabric.report.sarif import render_sarif

    sarif = render_sarif(result.findings, catalog_records(policies), stack="prod")
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..findings import SEVERITIES, Finding, counts_as_mandatory
from ..gate.info import PolicyInfo, controls_by_framework
from .summary import ordered, summary

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "trust-fabric"
TOOL_URI = "https://github.com/trust-fabric/trust-fabric"
SECURITY_SEVERITY = dict(zip(SEVERITIES, ("3.0", "5.5", "8.0", "9.5"), strict=True))
"""Code-scanning UIs (GitHub) rank security results by this CVSS-like score."""


def _level(enforcement: str) -> str:
    return "error" if counts_as_mandatory(enforcement) else "warning"


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


def sarif_rule(info: PolicyInfo) -> dict[str, Any]:
    """A SARIF reportingDescriptor from one policy (or check) record."""
    severity = info.severity or "medium"
    description = info.description or info.name
    remediation = info.remediation
    rule: dict[str, Any] = {
        "id": info.name,
        "name": info.name,
        "shortDescription": {"text": description},
        "fullDescription": {"text": f"{description} {remediation}".strip()},
        "defaultConfiguration": {"level": _level(info.enforcement or "mandatory")},
        "properties": {
            "tags": _unique(["security", *info.topics, *info.control_ids]),
            "precision": "very-high",
            "security-severity": SECURITY_SEVERITY.get(severity, "5.5"),
            "severity": severity,
        },
    }
    if info.id:
        rule["properties"]["policyId"] = info.id
    if remediation:
        rule["help"] = {"text": remediation}
    if info.url:
        rule["helpUri"] = info.url
    return rule


def _minimal_record(finding: Finding) -> PolicyInfo:
    """The record of a checker outside the catalog (checkov, audit), from what its finding says."""
    return PolicyInfo(
        name=finding.policy,
        description=finding.policy,
        severity=finding.severity,
        enforcement=finding.enforcement,
        remediation=finding.remediation,
        controls=controls_by_framework(finding.controls),
    )


def _fingerprint(finding: Finding) -> str:
    text = "\x1f".join((finding.policy, finding.resource.urn, finding.message))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _result(
    finding: Finding, rule_index: int, artifact_uri: str, suppressed: bool, component_files: Mapping[str, str]
) -> dict[str, Any]:
    uri = component_files.get(finding.resource.urn, artifact_uri)
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": uri}}}
    if finding.resource.urn:
        location["logicalLocations"] = [
            {
                "name": finding.resource.name or finding.resource.urn,
                "fullyQualifiedName": finding.resource.urn,
                "kind": "resource",
            }
        ]
    text = finding.message
    if finding.remediation:
        text += f" Fix: {finding.remediation}"
    result: dict[str, Any] = {
        "ruleId": finding.policy,
        "ruleIndex": rule_index,
        "level": _level(finding.enforcement),
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {"trustFabricFinding/v1": _fingerprint(finding)},
        "properties": {
            "enforcement": finding.enforcement,
            "severity": finding.severity,
            "controls": list(finding.controls),
            "source": finding.source,
            "resourceType": finding.resource.type,
        },
    }
    if suppressed:
        exemption = finding.extra.get("exemption")
        justification = ""
        if isinstance(exemption, Mapping):
            justification = (
                f"{exemption.get('reason', '')} (approved by {exemption.get('approver', '')}, "
                f"expires {exemption.get('expires', '')})"
            )
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": justification}]
    return result


def sarif_document(
    findings: Sequence[Finding],
    rules: Sequence[PolicyInfo],
    *,
    stack: str,
    exempted: Sequence[Finding] = (),
    component_files: Mapping[str, str] | None = None,
    tool_version: str = "0.1.0",
) -> dict[str, Any]:
    """SARIF 2.1.0 log as data. `component_files` maps a resource URN to the source file that declares it.

    Results locate at `Pulumi.<stack>.yaml` (or the component's source file), with the resource URN as a
    logical location; exempted findings are included with an accepted external suppression.
    """
    descriptors = [sarif_rule(info) for info in rules]
    index = {rule["id"]: position for position, rule in enumerate(descriptors)}
    for finding in [*findings, *exempted]:
        if finding.policy not in index:
            # A checker outside the catalog (checkov, audit): a minimal rule so every result has one.
            index[finding.policy] = len(descriptors)
            descriptors.append(sarif_rule(_minimal_record(finding)))
    artifact_uri = f"Pulumi.{stack}.yaml"
    files = dict(component_files or {})
    results = [_result(f, index[f.policy], artifact_uri, False, files) for f in ordered(findings)]
    results += [_result(f, index[f.policy], artifact_uri, True, files) for f in ordered(exempted)]
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "informationUri": TOOL_URI,
                        "version": tool_version,
                        "rules": descriptors,
                    }
                },
                "automationDetails": {"id": f"trust-fabric/{stack}/"},
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": {"stack": stack, "summary": summary(findings, exempted)},
            }
        ],
    }


def render_sarif(
    findings: Sequence[Finding],
    rules: Sequence[PolicyInfo],
    *,
    stack: str,
    exempted: Sequence[Finding] = (),
    component_files: Mapping[str, str] | None = None,
) -> str:
    """SARIF 2.1.0 as indented JSON (see `sarif_document`)."""
    document = sarif_document(findings, rules, stack=stack, exempted=exempted, component_files=component_files)
    return json.dumps(document, indent=2, default=str) + "\n"


__all__ = ["SARIF_SCHEMA", "render_sarif", "sarif_document", "sarif_rule"]
