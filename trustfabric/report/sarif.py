"""SARIF 2.1.0 for code-scanning UIs: one rule per policy record, one result per finding.

Each result locates where its finding points in the source (`trustfabric.report.locations`): the file relative
to `%SRCROOT%` (the program dir, given in the run's `originalUriBaseIds`) and, when known, the line that declares
the resource as `region.startLine`; the program line that called into the resource's component is a related
location. The resource URN is a logical location. Exempted findings are included with an accepted external
suppression. A finding of a checker without a record (checkov, audit) gets a minimal rule. Every log validates
against the vendored OASIS schema (`schemas/sarif-schema-2.1.0.json`, see `sarif_validator`).

Usage::

    from trustfabric.report.locations import graph_locator
    from trustfabric.report.sarif import render_sarif

    sarif = render_sarif(result.findings, catalog_records(policies), stack="prod", locator=graph_locator(graph))
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..findings import SEVERITIES, Finding, counts_as_mandatory
from ..gate.info import PolicyInfo, controls_by_framework
from .locations import Location, Locator, stack_file_locator
from .summary import ordered, summary

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SCHEMA_FILE = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"
"""The schema at SARIF_SCHEMA, vendored byte for byte (schemas/README.md says where from, with its hash)."""
SRCROOT = "%SRCROOT%"
"""The uriBaseId every result's file is relative to: the program dir."""
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


def package_version() -> str:
    """This toolchain's version, from the installed package's metadata."""
    try:
        return metadata.version("trust-fabric")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _physical(file: str, line: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": quote(file), "uriBaseId": SRCROOT}}
    if line is not None:
        physical["region"] = {"startLine": line}
    return physical


def _related(finding: Finding, where: Location) -> list[dict[str, Any]]:
    if where.call_site is None:
        return []
    subject = finding.resource.name or finding.resource.urn or "the resource"
    return [
        {
            "id": 1,
            "physicalLocation": _physical(where.call_site.file, where.call_site.line),
            "message": {"text": f"The program calls the component that declares {subject} here."},
        }
    ]


def _result(finding: Finding, rule_index: int, suppressed: bool, where: Location) -> dict[str, Any]:
    location: dict[str, Any] = {"physicalLocation": _physical(where.file, where.line)}
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
        "relatedLocations": _related(finding, where),
        "partialFingerprints": {"trustFabricFinding/v1": _fingerprint(finding)},
        "properties": {
            "enforcement": finding.enforcement,
            "severity": finding.severity,
            "controls": list(finding.controls),
            "source": finding.source,
            "resourceType": finding.resource.type,
        },
    }
    if not result["relatedLocations"]:
        del result["relatedLocations"]
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
    locator: Locator | None = None,
    component_files: Mapping[str, str] | None = None,
    tool_version: str | None = None,
) -> dict[str, Any]:
    """SARIF 2.1.0 log as data; see the module docstring.

    `locator` places each finding (`graph_locator(graph)`); without one, findings locate at `Pulumi.<stack>.yaml`,
    or at the file `component_files` maps their resource URN to (the older way of saying where).
    """
    where = locator or _files_locator(stack, component_files or {})
    descriptors = [sarif_rule(info) for info in rules]
    index = {rule["id"]: position for position, rule in enumerate(descriptors)}
    for finding in [*findings, *exempted]:
        if finding.policy not in index:
            # A checker outside the catalog (checkov, audit): a minimal rule so every result has one.
            index[finding.policy] = len(descriptors)
            descriptors.append(sarif_rule(_minimal_record(finding)))
    results = [_result(f, index[f.policy], False, where.locate(f)) for f in ordered(findings)]
    results += [_result(f, index[f.policy], True, where.locate(f)) for f in ordered(exempted)]
    root: dict[str, Any] = {"description": {"text": "The Pulumi program's directory: every result's file is in it."}}
    if where.root is not None:
        root = {"uri": where.root.resolve().as_uri() + "/", **root}
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "informationUri": TOOL_URI,
                        "version": tool_version or package_version(),
                        "rules": descriptors,
                    }
                },
                "automationDetails": {"id": f"trust-fabric/{stack}/"},
                "originalUriBaseIds": {SRCROOT: root},
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": {"stack": stack, "summary": summary(findings, exempted)},
            }
        ],
    }


def _files_locator(stack: str, component_files: Mapping[str, str]) -> Locator:
    by_urn = {urn: Location(file) for urn, file in component_files.items()}
    return Locator(default=stack_file_locator(stack).default, by_urn=by_urn)


def render_sarif(
    findings: Sequence[Finding],
    rules: Sequence[PolicyInfo],
    *,
    stack: str,
    exempted: Sequence[Finding] = (),
    locator: Locator | None = None,
    component_files: Mapping[str, str] | None = None,
) -> str:
    """SARIF 2.1.0 as indented JSON (see `sarif_document`)."""
    document = sarif_document(
        findings, rules, stack=stack, exempted=exempted, locator=locator, component_files=component_files
    )
    return json.dumps(document, indent=2, default=str) + "\n"


def sarif_validator() -> Any:
    """A jsonschema validator of the vendored SARIF 2.1.0 schema (draft-04): `.iter_errors(log)` lists problems."""
    import jsonschema

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


__all__ = [
    "SARIF_SCHEMA",
    "SCHEMA_FILE",
    "SRCROOT",
    "package_version",
    "render_sarif",
    "sarif_document",
    "sarif_rule",
    "sarif_validator",
]
