"""The control matrix: per control, the policies evidencing it, the resources they judged, and the result.

A control's result, for one stack run:

- **fail**: a counted finding (mandatory or advisory, including a config loosened below a floor and an expired
  exemption) names one of its controls, or a drill report or test result mapped to it failed;
- **exempted**: no counted finding, but a live exemption moved one aside (approver and expiry shown);
- **pass**: its policies judged at least one resource (or the stack) and found nothing, or its mapped drill
  reports and test results passed;
- **not-applicable**: its policies apply to resource types this stack does not declare, and nothing else ran;
- **manual**: no automated result in this package; the auditor examines its documented procedure and evidence.

Usage::

    from trustfabric.evidence.matrix import evaluate_controls, render_markdown

    results = evaluate_controls(catalog, gate_result, policies, drills=load_drill_reports(dir))
    print(render_markdown(results, stack="prod"))
"""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ElementTree
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..findings import Finding, stack_ref
from ..gate import GateResult
from ..gate.info import PolicyInfo, policy_info
from .controls import Catalog, Control

STATUSES = ("fail", "exempted", "pass", "not-applicable", "manual")
PASSED = {"pass", "passed", "success", "succeeded", "ok", "green"}
FAILED = {"fail", "failed", "failure", "error", "errored", "red"}


@dataclass(frozen=True)
class EvaluatedResource:
    """A resource a policy judged."""

    urn: str
    type: str
    name: str


@dataclass(frozen=True)
class PolicyEvaluation:
    """One policy's run against the stack."""

    policy: str
    resources: tuple[EvaluatedResource, ...]
    findings: tuple[Finding, ...] = ()
    exempted: tuple[Finding, ...] = ()

    def by_type(self) -> dict[str, int]:
        return dict(sorted(Counter(resource.type for resource in self.resources).items()))


@dataclass(frozen=True)
class RunRecord:
    """A drill report or a test file's result: name, pass / fail / unknown, and where it came from."""

    name: str
    status: str
    source: str
    detail: str = ""


@dataclass(frozen=True)
class ControlResult:
    """The matrix row for one control."""

    control: Control
    status: str
    evaluations: tuple[PolicyEvaluation, ...]
    findings: tuple[Finding, ...]
    exempted: tuple[Finding, ...]
    drills: tuple[RunRecord, ...]
    tests: tuple[RunRecord, ...]
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def loosened(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.extra.get("kind") == "loosened-config")

    @property
    def resources(self) -> tuple[EvaluatedResource, ...]:
        seen: dict[str, EvaluatedResource] = {}
        for evaluation in self.evaluations:
            for resource in evaluation.resources:
                seen.setdefault(resource.urn, resource)
        return tuple(seen.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "control": self.control.key,
            "title": self.control.title,
            "status": self.status,
            "reasons": list(self.reasons),
            "policies": [
                {
                    "policy": evaluation.policy,
                    "resources_evaluated": len(evaluation.resources),
                    "by_type": evaluation.by_type(),
                    "findings": len(evaluation.findings),
                    "exempted": len(evaluation.exempted),
                }
                for evaluation in self.evaluations
            ],
            "findings": [finding.as_dict() for finding in self.findings],
            "exempted": [finding.as_dict() for finding in self.exempted],
            "drills": [record.__dict__ for record in self.drills],
            "tests": [record.__dict__ for record in self.tests],
            "procedure": self.control.procedure,
        }


# ------------------------------------------------------------------------------------------------------------
# Inputs beside the gate: drill reports and JUnit results


def _status_word(value: Any) -> str:
    if isinstance(value, bool):
        return "pass" if value else "fail"
    text = str(value).strip().lower()
    if text in PASSED:
        return "pass"
    if text in FAILED:
        return "fail"
    return "unknown"


def load_drill_reports(directory: Path) -> list[RunRecord]:
    """Every `*.json` drill report in `directory` (absent directory: none). Unreadable files are `unknown`."""
    if not directory.is_dir():
        return []
    records: list[RunRecord] = []
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            records.append(RunRecord(path.stem, "unknown", str(path), f"unreadable: {error}"))
            continue
        if not isinstance(data, dict):
            records.append(RunRecord(path.stem, "unknown", str(path), "not a JSON object"))
            continue
        name = str(data.get("drill") or data.get("name") or path.stem)
        status = "unknown"
        for key in ("status", "result", "outcome", "passed", "ok", "success"):
            if key in data:
                status = _status_word(data[key])
                break
        detail = str(data.get("summary") or data.get("message") or "")
        records.append(RunRecord(name, status, str(path), detail))
    return records


def _test_file(case: ElementTree.Element, root: Path) -> str:
    file_attribute = case.get("file")
    if file_attribute:
        return file_attribute
    parts = (case.get("classname") or "").split(".")
    for end in range(len(parts), 0, -1):
        candidate = "/".join(parts[:end]) + ".py"
        if (root / candidate).is_file():
            return candidate
    return "/".join(parts) + ".py"


def load_junit(path: Path, root: Path) -> dict[str, RunRecord]:
    """Per test file (repository-relative path) its result in a JUnit XML report: fail when any case failed."""
    try:
        tree = ElementTree.parse(path)
    except (OSError, ElementTree.ParseError) as error:
        return {"": RunRecord(str(path), "unknown", str(path), f"unreadable: {error}")}
    counts: dict[str, Counter[str]] = {}
    for case in tree.iter("testcase"):
        test_file = _test_file(case, root)
        outcome = "passed"
        if case.find("failure") is not None or case.find("error") is not None:
            outcome = "failed"
        elif case.find("skipped") is not None:
            outcome = "skipped"
        counts.setdefault(test_file, Counter())[outcome] += 1
    records = {}
    for test_file, counter in counts.items():
        status = "fail" if counter["failed"] else ("pass" if counter["passed"] else "unknown")
        detail = ", ".join(f"{counter[key]} {key}" for key in ("passed", "failed", "skipped") if counter[key])
        records[test_file] = RunRecord(test_file, status, str(path), detail)
    return records


# ------------------------------------------------------------------------------------------------------------
# Evaluation


def evaluated_resources(info: PolicyInfo, gate: GateResult) -> tuple[EvaluatedResource, ...]:
    """The resources a policy judged: its resource types in the graph, every resource, or the stack itself."""
    if info.kind == "stack":
        ref = stack_ref(gate.graph)
        return (EvaluatedResource(ref.urn, ref.type, ref.name),)
    types = info.resource_types
    return tuple(
        EvaluatedResource(resource.urn, resource.type, resource.name)
        for resource in sorted(gate.graph.custom_resources, key=lambda r: (r.type, r.name))
        if types is None or resource.type in types
    )


def evaluate_controls(
    catalog: Catalog,
    gate: GateResult,
    policies: Sequence[Any],
    *,
    drills: Sequence[RunRecord] = (),
    tests: dict[str, RunRecord] | None = None,
    disabled: frozenset[str] = frozenset(),
) -> list[ControlResult]:
    """One ControlResult per catalog control, in catalog order (see the module docstring for the rules).

    `disabled` names policies a policy config turned off: they judged nothing.
    """
    by_name = {policy.name: policy_info(policy) for policy in policies}
    drill_by_name: dict[str, RunRecord] = {}
    for record in drills:
        previous = drill_by_name.get(record.name)
        if previous is None or record.status == "fail":
            drill_by_name[record.name] = record
    results = []
    for control in catalog.controls:
        evaluations = []
        for name in control.policies:
            info = by_name.get(name)
            resources = () if info is None or name in disabled else evaluated_resources(info, gate)
            evaluations.append(
                PolicyEvaluation(
                    policy=name,
                    resources=resources,
                    findings=tuple(f for f in gate.findings if f.policy == name),
                    exempted=tuple(f for f in gate.exempted if f.policy == name),
                )
            )
        findings = tuple(f for f in gate.findings if f.policy in control.policies or control.key in f.controls)
        exempted = tuple(f for f in gate.exempted if f.policy in control.policies or control.key in f.controls)
        drill_records = tuple(
            drill_by_name.get(name, RunRecord(name, "absent", "", "no report in this package"))
            for name in control.drills
        )
        test_records = tuple(
            (tests or {}).get(path, RunRecord(path, "absent", "", "no result in this package"))
            for path in control.tests
        )
        status, reasons = _decide(control, evaluations, findings, exempted, drill_records, test_records)
        results.append(
            ControlResult(control, status, tuple(evaluations), findings, exempted, drill_records, test_records, reasons)
        )
    return results


def _decide(
    control: Control,
    evaluations: Sequence[PolicyEvaluation],
    findings: Sequence[Finding],
    exempted: Sequence[Finding],
    drills: Sequence[RunRecord],
    tests: Sequence[RunRecord],
) -> tuple[str, tuple[str, ...]]:
    reasons: list[str] = []
    loosened = [f for f in findings if f.extra.get("kind") == "loosened-config"]
    if loosened:
        reasons.append(f"{len(loosened)} policy config(s) loosened below a floor")
    if findings:
        reasons.append(f"{len(findings)} finding(s) of {', '.join(sorted({f.policy for f in findings}))}")
    failed_runs = [record for record in (*drills, *tests) if record.status == "fail"]
    reasons += [f"{record.name} failed ({record.source})" for record in failed_runs]
    if findings or failed_runs:
        return "fail", tuple(reasons)
    if exempted:
        approvals = sorted(
            {
                f"{f.extra['exemption'].get('approver', '?')} until {f.extra['exemption'].get('expires', '?')}"
                for f in exempted
                if isinstance(f.extra.get("exemption"), dict)
            }
        )
        return "exempted", (f"{len(exempted)} exempted finding(s): approved by {'; '.join(approvals)}",)
    evaluated = sum(len(evaluation.resources) for evaluation in evaluations)
    passed_runs = [record for record in (*drills, *tests) if record.status == "pass"]
    if evaluated:
        reasons.append(f"{len(evaluations)} policies judged {evaluated} resource evaluations; no finding")
    reasons += [f"{record.name} passed" for record in passed_runs]
    if evaluated or passed_runs:
        return "pass", tuple(reasons)
    if control.policies and not control.procedure:
        return "not-applicable", ("its policies apply to resource types this stack does not declare",)
    if control.policies:
        reasons.append("its policies apply to resource types this stack does not declare")
    reasons.append(f"no automated result in this package; procedure: {control.procedure or '-'}")
    return "manual", tuple(reasons)


# ------------------------------------------------------------------------------------------------------------
# Rendering


def summary_counts(results: Sequence[ControlResult]) -> dict[str, int]:
    counts = Counter(result.status for result in results)
    return {status: counts.get(status, 0) for status in STATUSES}


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _types_text(resources: Sequence[EvaluatedResource]) -> str:
    counts = Counter(resource.type for resource in resources)
    return ", ".join(f"{type_} x{count}" for type_, count in sorted(counts.items())) or "-"


def _finding_text(finding: Finding) -> str:
    text = f"[{finding.enforcement}] {finding.policy} on {finding.resource.name or finding.resource.urn}: "
    text += finding.message
    if finding.extra.get("kind") == "loosened-config":
        text = "LOOSENED CONFIG " + text
    exemption = finding.extra.get("exemption")
    if isinstance(exemption, dict):
        text += (
            f" (exempted: {exemption.get('reason', '')}; approved by {exemption.get('approver', '?')}, "
            f"expires {exemption.get('expires', '?')})"
        )
    return text


def render_markdown(results: Sequence[ControlResult], *, stack: str, generated: str = "") -> str:
    """control-matrix.md: a summary table, then one section per control with its evidence."""
    counts = summary_counts(results)
    lines = [
        f"# Control matrix: stack `{stack}`",
        "",
        f"Generated {generated} by `trustfabric evidence`. "
        + ", ".join(f"{count} {status}" for status, count in counts.items()),
        "",
        "| Control | Title | Result | Policies | Resources evaluated | Findings | Exempted |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        lines.append(
            f"| [{result.control.key}](#{_anchor(result.control.key)}) | {_md(result.control.title)} | "
            f"**{result.status}** | {len(result.evaluations)} | {len(result.resources)} | {len(result.findings)} | "
            f"{len(result.exempted)} |"
        )
    for result in results:
        control = result.control
        lines += [
            "",
            f'<a id="{_anchor(control.key)}"></a>',
            "",
            f"## {control.key}: {control.title} ({result.status})",
            "",
            control.summary,
            "",
        ]
        lines += [f"- {reason}" for reason in result.reasons]
        if result.evaluations:
            lines += ["", "| Policy | Resources evaluated | By type | Findings | Exempted |", "|---|---|---|---|---|"]
            for evaluation in result.evaluations:
                lines.append(
                    f"| {evaluation.policy} | {len(evaluation.resources)} | {_md(_types_text(evaluation.resources))} | "
                    f"{len(evaluation.findings)} | {len(evaluation.exempted)} |"
                )
        if result.resources:
            lines += ["", "Resources: " + ", ".join(f"`{_md(r.type)}::{_md(r.name)}`" for r in result.resources)]
        if result.findings or result.exempted:
            lines += ["", "Findings:", ""]
            lines += [f"- {_md(_finding_text(finding))}" for finding in (*result.findings, *result.exempted)]
        for label, records in (("Drills", result.drills), ("Tests", result.tests)):
            if records:
                lines += ["", f"{label}: " + "; ".join(f"{r.name}: {r.status}" for r in records)]
        if control.documents:
            lines += ["", "Documents: " + ", ".join(control.documents)]
        if control.procedure:
            lines += ["", f"Manual procedure: {control.procedure}"]
    return "\n".join(lines) + "\n"


def _anchor(key: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in key.lower())


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #c8c8c8; padding: .3rem .5rem; text-align: left; vertical-align: top; }
.fail { background: #fde2e1; } .exempted { background: #fff4ce; } .pass { background: #e3f5e1; }
.manual { background: #e8eefc; } .not-applicable { background: #f1f1f1; }
code { font-size: .9em; }
"""


def render_html(results: Sequence[ControlResult], *, stack: str, generated: str = "") -> str:
    """control-matrix.html: standalone (inline CSS, no scripts), every value escaped."""
    e = html.escape
    counts = summary_counts(results)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Control matrix: {e(stack)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Control matrix: stack <code>{e(stack)}</code></h1>",
        f"<p>Generated {e(generated)} by <code>trustfabric evidence</code>. "
        + e(", ".join(f"{count} {status}" for status, count in counts.items()))
        + "</p>",
        "<table><thead><tr><th>Control</th><th>Title</th><th>Result</th><th>Policies</th>"
        "<th>Resources evaluated</th><th>Findings</th><th>Exempted</th></tr></thead><tbody>",
    ]
    for result in results:
        parts.append(
            f'<tr class="{e(result.status)}"><td><a href="#{e(_anchor(result.control.key))}">'
            f"{e(result.control.key)}</a></td><td>{e(result.control.title)}</td><td>{e(result.status)}</td>"
            f"<td>{len(result.evaluations)}</td><td>{len(result.resources)}</td><td>{len(result.findings)}</td>"
            f"<td>{len(result.exempted)}</td></tr>"
        )
    parts.append("</tbody></table>")
    for result in results:
        control = result.control
        parts.append(
            f'<section id="{e(_anchor(control.key))}" class="{e(result.status)}">'
            f"<h2>{e(control.key)}: {e(control.title)} ({e(result.status)})</h2><p>{e(control.summary)}</p>"
        )
        if result.reasons:
            parts.append("<ul>" + "".join(f"<li>{e(reason)}</li>" for reason in result.reasons) + "</ul>")
        if result.evaluations:
            parts.append("<table><tr><th>Policy</th><th>Resources evaluated</th><th>By type</th><th>Findings</th>")
            parts.append("<th>Exempted</th></tr>")
            for evaluation in result.evaluations:
                parts.append(
                    f"<tr><td>{e(evaluation.policy)}</td><td>{len(evaluation.resources)}</td>"
                    f"<td>{e(_types_text(evaluation.resources))}</td><td>{len(evaluation.findings)}</td>"
                    f"<td>{len(evaluation.exempted)}</td></tr>"
                )
            parts.append("</table>")
        if result.resources:
            parts.append(
                "<p>Resources: "
                + ", ".join(f"<code>{e(r.type)}::{e(r.name)}</code>" for r in result.resources)
                + "</p>"
            )
        if result.findings or result.exempted:
            items = "".join(f"<li>{e(_finding_text(f))}</li>" for f in (*result.findings, *result.exempted))
            parts.append(f"<p>Findings:</p><ul>{items}</ul>")
        for label, records in (("Drills", result.drills), ("Tests", result.tests)):
            if records:
                parts.append(f"<p>{label}: " + e("; ".join(f"{r.name}: {r.status}" for r in records)) + "</p>")
        if control.documents:
            parts.append("<p>Documents: " + e(", ".join(control.documents)) + "</p>")
        if control.procedure:
            parts.append(f"<p>Manual procedure: {e(control.procedure)}</p>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


__all__ = [
    "STATUSES",
    "ControlResult",
    "EvaluatedResource",
    "PolicyEvaluation",
    "RunRecord",
    "evaluate_controls",
    "load_drill_reports",
    "load_junit",
    "render_html",
    "render_markdown",
    "summary_counts",
]
