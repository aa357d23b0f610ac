"""Reporters shared by every checker (the policy gate, the checkov bridge, the live-account audit).

All read the one `Finding` type and produce a deterministic document:

- `render_text`: grouped by severity (critical first), each finding with its resource, policy, message, fix
  and controls, then `N mandatory, M advisory violations in K resources`; rich markup only when asked;
- `render_json`: `{"stack", "resources", "violations": [...], "exempted": [...], "summary": {...}}`, the first
  three keys being the CLI contract;
- `render_sarif`: SARIF 2.1.0 for code-scanning UIs, one rule per catalog policy.

Usage::

    from trustfabric.report import render_json, render_sarif, render_text

    print(render_text(result.findings, exempted=result.exempted, stack="prod", resources_count=120))
    document = render_json("prod", 120, result.findings, result.exempted)
    sarif = render_sarif(result.findings, catalog(), stack="prod")
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .findings import SEVERITIES, Finding, sort_key

if TYPE_CHECKING:
    from .graph import ResourceGraph

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "trust-fabric"
TOOL_URI = "https://github.com/trust-fabric/trust-fabric"
SEVERITY_ORDER = tuple(reversed(SEVERITIES))
"""critical, high, medium, low."""
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
"""Code-scanning UIs (GitHub) rank security results by this CVSS-like score."""
_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}


def _sorted(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (*sort_key(f), f.enforcement, f.source))


def summary(findings: Sequence[Finding], exempted: Sequence[Finding] = ()) -> dict[str, int]:
    """Counts every reporter shows: mandatory, advisory, distinct resources with a finding, exempted."""
    return {
        "mandatory": sum(1 for finding in findings if finding.is_mandatory),
        "advisory": sum(1 for finding in findings if not finding.is_mandatory),
        "resources": len({finding.resource.urn for finding in findings}),
        "exempted": len(exempted),
    }


def summary_line(findings: Sequence[Finding]) -> str:
    counts = summary(findings)
    noun = "resource" if counts["resources"] == 1 else "resources"
    return f"{counts['mandatory']} mandatory, {counts['advisory']} advisory violations in {counts['resources']} {noun}"


# ------------------------------------------------------------------------------------------------------------
# Text


def render_text(
    findings: Sequence[Finding],
    *,
    exempted: Sequence[Finding] = (),
    stack: str | None = None,
    resources_count: int | None = None,
    markup: bool = False,
) -> str:
    """A human report grouped by severity; with `markup`, rich console markup (for a terminal)."""
    from rich.markup import escape

    def styled(text: str, style: str) -> str:
        return f"[{style}]{escape(text)}[/{style}]" if markup else text

    def plain(text: str) -> str:
        return escape(text) if markup else text

    lines: list[str] = []
    if stack is not None:
        evaluated = f" ({resources_count} resources evaluated)" if resources_count is not None else ""
        lines += [plain(f"stack {stack}{evaluated}"), ""]
    ordered = _sorted(findings)
    for severity in (*SEVERITY_ORDER, ""):
        group = [f for f in ordered if (f.severity if f.severity in SEVERITIES else "") == severity]
        if not group:
            continue
        lines.append(styled(f"{(severity or 'unrated').upper()} ({len(group)})", _STYLE.get(severity, "bold")))
        for finding in group:
            lines += _finding_lines(finding, styled, plain)
        lines.append("")
    if exempted:
        lines.append(styled(f"EXEMPTED ({len(exempted)}, not counted)", "dim"))
        for finding in _sorted(exempted):
            lines += _finding_lines(finding, styled, plain)
            exemption = finding.extra.get("exemption")
            if isinstance(exemption, Mapping):
                lines.append(
                    plain(
                        f"      exempted: {exemption.get('reason', '')} "
                        f"(approved by {exemption.get('approver', '')}, "
                        f"expires {exemption.get('expires', '')})"
                    )
                )
        lines.append("")
    line = summary_line(findings)
    if exempted:
        line += f" ({len(exempted)} exempted)"
    counts = summary(findings)
    lines.append(styled(line, "bold red" if counts["mandatory"] else ("yellow" if counts["advisory"] else "green")))
    return "\n".join(lines) + "\n"


def _finding_lines(finding: Finding, styled: Any, plain: Any) -> list[str]:
    resource = finding.resource
    label = f"{resource.type} {resource.name}".strip() or "(stack)"
    marker = "x" if finding.is_mandatory else "!"
    head = f"  {marker} [{finding.enforcement}] {finding.policy}: {label}"
    lines = [styled(head, "bold") if finding.is_mandatory else plain(head)]
    lines.append(plain(f"      {finding.message}"))
    if finding.remediation:
        lines.append(plain(f"      fix: {finding.remediation}"))
    if finding.controls:
        lines.append(plain(f"      controls: {', '.join(finding.controls)}"))
    if resource.urn:
        lines.append(styled(f"      urn: {resource.urn}", "dim"))
    if finding.also:
        lines.append(plain(f"      also: {', '.join(finding.also)}"))
    return lines


# ------------------------------------------------------------------------------------------------------------
# JSON


def json_document(
    stack: str, resources_count: int, findings: Sequence[Finding], exempted: Sequence[Finding] = ()
) -> dict[str, Any]:
    """The JSON report as data: the contract keys first, then exempted and summary."""
    return {
        "stack": stack,
        "resources": resources_count,
        "violations": [finding.as_dict() for finding in _sorted(findings)],
        "exempted": [finding.as_dict() for finding in _sorted(exempted)],
        "summary": summary(findings, exempted),
    }


def render_json(stack: str, resources_count: int, findings: Sequence[Finding], exempted: Sequence[Finding] = ()) -> str:
    """`{"stack", "resources", "violations", "exempted", "summary"}` as indented JSON, sorted findings."""
    return json.dumps(json_document(stack, resources_count, findings, exempted), indent=2, default=str) + "\n"


# ------------------------------------------------------------------------------------------------------------
# SARIF 2.1.0


def _level(enforcement: str) -> str:
    return "error" if enforcement in ("mandatory", "remediate") else "warning"


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


def sarif_rule(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A SARIF reportingDescriptor from one policy catalog entry (see trustfabric.catalog)."""
    severity = str(entry.get("severity") or "medium")
    description = str(entry.get("description") or entry["name"])
    remediation = str(entry.get("remediation") or "")
    rule: dict[str, Any] = {
        "id": entry["name"],
        "name": entry["name"],
        "shortDescription": {"text": description},
        "fullDescription": {"text": f"{description} {remediation}".strip()},
        "defaultConfiguration": {"level": _level(str(entry.get("enforcement") or "mandatory"))},
        "properties": {
            "tags": _unique(["security", *entry.get("topics", ()), *entry.get("control_ids", ())]),
            "precision": "very-high",
            "security-severity": SECURITY_SEVERITY.get(severity, "5.5"),
            "severity": severity,
        },
    }
    if entry.get("id"):
        rule["properties"]["policyId"] = entry["id"]
    if remediation:
        rule["help"] = {"text": remediation}
    if entry.get("url"):
        rule["helpUri"] = entry["url"]
    return rule


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
    catalog: Sequence[Mapping[str, Any]],
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
    rules = [sarif_rule(entry) for entry in catalog]
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    for finding in [*findings, *exempted]:
        if finding.policy not in index:
            # A checker outside the catalog (checkov, audit): a minimal rule so every result has one.
            index[finding.policy] = len(rules)
            rules.append(
                sarif_rule(
                    {
                        "name": finding.policy,
                        "description": finding.policy,
                        "severity": finding.severity,
                        "enforcement": finding.enforcement,
                        "remediation": finding.remediation,
                        "control_ids": finding.controls,
                    }
                )
            )
    artifact_uri = f"Pulumi.{stack}.yaml"
    files = dict(component_files or {})
    results = [_result(f, index[f.policy], artifact_uri, False, files) for f in _sorted(findings)]
    results += [_result(f, index[f.policy], artifact_uri, True, files) for f in _sorted(exempted)]
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
                        "rules": rules,
                    }
                },
                "automationDetails": {"id": f"trust-fabric/{stack}/"},
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": {"stack": stack, "summary": summary(findings, exempted)},
            }
        ],
    }


_SKIP_DIRS = frozenset({"node_modules", "__pycache__", "site-packages", "tests", "venv", "build", "dist"})
_MAX_SOURCE_FILES = 2000


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


def component_sources(graph: ResourceGraph) -> dict[str, str]:
    """URN -> source file (relative to the program dir) of the nearest component that declares the resource.

    A component's type token (`trustfabric:security:KmsKeyring`) appears as a string literal in the module
    that defines it; resources outside any component (or whose component cannot be found) are left out.
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
    for resource in graph.custom_resources:
        for ancestor in graph.ancestors(resource):
            if ancestor.custom:
                continue
            path = locate(ancestor.type)
            if path is not None:
                files[resource.urn] = path
                break
    return files


def render_sarif(
    findings: Sequence[Finding],
    catalog: Sequence[Mapping[str, Any]],
    *,
    stack: str,
    exempted: Sequence[Finding] = (),
    component_files: Mapping[str, str] | None = None,
) -> str:
    """SARIF 2.1.0 as indented JSON (see `sarif_document`)."""
    document = sarif_document(findings, catalog, stack=stack, exempted=exempted, component_files=component_files)
    return json.dumps(document, indent=2, default=str) + "\n"


__all__ = [
    "SARIF_SCHEMA",
    "component_sources",
    "json_document",
    "render_json",
    "render_sarif",
    "render_text",
    "sarif_document",
    "sarif_rule",
    "summary",
    "summary_line",
]
