"""The control matrix: per control, the evidence sources it names, what each showed, and one result.

A control names its evidence sources: the policies whose metadata cite it (computed), and the test files and
drills the catalog lists. For one stack run its result (`trustfabric.evidence.status.ControlStatus`) is

- **fail**: a counted finding (mandatory or advisory, a config loosened below a floor, an expired exemption, an
  unsuppressed checkov failure of a check judging the same property as one of its policies) names it, or a
  drill report or test result it names failed;
- **evidence missing**: nothing failed, but a source it names is absent or unreadable (no test result for a
  listed test file, no report for a listed drill, a policy turned off by the policy config): never a pass;
- **stale**: it would pass, but the newest report of its drills is older than its frequency allows (a quarterly
  drill older than 92 days; `trustfabric.evidence.freshness`) or carries no time: never a pass;
- **exempted**: every source present and nothing counted, but a live exemption (or a checkov suppression)
  moved a finding aside (approver and expiry shown);
- **pass**: every source it names is present and passing: its policies judged at least one resource (or the
  stack) and found nothing, and its drills and tests passed;
- **not applicable**: its only sources are policies, and they apply to resource types this stack does not
  declare;
- **manual**: no automated source applies; the auditor examines its documented procedure and evidence.

Usage::

    from trustfabric.evidence.matrix import evaluate_controls, render_markdown

    results = evaluate_controls(catalog, gate_result, policies, drills=load_drill_reports(dir))
    print(render_markdown(results, stack="prod"))
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..findings import Finding, stack_ref
from ..gate import GateResult
from ..gate.info import PolicyInfo, policy_info
from .controls import Catalog, Control
from .freshness import MISSING, STALE, freshness
from .inputs import CheckovEvidence, RunRecord, drills_by_name, load_drill_reports, load_junit
from .status import STATUSES, ControlStatus

RESOURCES_SHOWN = 20
"""Resource names listed per policy in the Markdown and HTML matrices; the rest are counted ("and N more")."""


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
    module: str = ""
    """The policy's module (`policies.aws.kms.key_rotation_enabled`); empty for policies outside the pack."""
    disabled: bool = False
    """Turned off by the policy config: it judged nothing, so it evidences nothing."""
    known: bool = True
    """False when no policy of this name was evaluated at all."""

    def by_type(self) -> dict[str, int]:
        return dict(sorted(Counter(resource.type for resource in self.resources).items()))

    @property
    def source_path(self) -> str:
        """The policy's source file, repository-relative (`policies/aws/kms/key_rotation_enabled.py`)."""
        return self.module.replace(".", "/") + ".py" if self.module else ""


@dataclass(frozen=True)
class ControlResult:
    """The matrix row for one control."""

    control: Control
    status: ControlStatus
    evaluations: tuple[PolicyEvaluation, ...]
    findings: tuple[Finding, ...]
    exempted: tuple[Finding, ...]
    drills: tuple[RunRecord, ...]
    tests: tuple[RunRecord, ...]
    reasons: tuple[str, ...] = field(default_factory=tuple)
    checkov: tuple[dict[str, Any], ...] = ()
    """checkov's unsuppressed failures bearing on this control (Finding dicts)."""
    checkov_suppressed: tuple[dict[str, Any], ...] = ()
    decisions: tuple[RunRecord, ...] = ()
    """The signed decisions the control cites (the release gate's), judged like drill reports, shown apart."""

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
            "framework": self.control.framework,
            "title": self.control.title,
            "status": self.status.value,
            "reasons": list(self.reasons),
            "resources_evaluated": len(self.resources),
            "policies": [
                {
                    "policy": evaluation.policy,
                    "resources_evaluated": len(evaluation.resources),
                    "by_type": evaluation.by_type(),
                    "findings": len(evaluation.findings),
                    "exempted": len(evaluation.exempted),
                    **({"disabled": True} if evaluation.disabled else {}),
                }
                for evaluation in self.evaluations
            ],
            "findings": [finding.as_dict() for finding in self.findings],
            "exempted": [finding.as_dict() for finding in self.exempted],
            "checkov": {"failures": list(self.checkov), "suppressed": list(self.checkov_suppressed)},
            "drills": [record.as_dict() for record in self.drills],
            "decisions": [record.as_dict() for record in self.decisions],
            "tests": [record.as_dict() for record in self.tests],
            "documents": list(self.control.documents),
            "procedure": self.control.procedure,
        }


# ------------------------------------------------------------------------------------------------------------
# Evaluation


def evaluated_resources(
    info: PolicyInfo, gate: GateResult, *, ordered: Sequence[EvaluatedResource] | None = None
) -> tuple[EvaluatedResource, ...]:
    """The resources a policy judged: its resource types in the graph, every resource, or the stack itself.
    `ordered`: the graph's custom resources by type and name, when the caller has them (`_ordered_resources`)."""
    if info.kind == "stack":
        ref = stack_ref(gate.graph)
        return (EvaluatedResource(ref.urn, ref.type, ref.name),)
    types = info.resource_types
    every = _ordered_resources(gate) if ordered is None else ordered
    return tuple(resource for resource in every if types is None or resource.type in types)


def _ordered_resources(gate: GateResult) -> tuple[EvaluatedResource, ...]:
    return tuple(
        EvaluatedResource(resource.urn, resource.type, resource.name)
        for resource in sorted(gate.graph.custom_resources, key=lambda r: (r.type, r.name))
    )


def evaluate_controls(
    catalog: Catalog,
    gate: GateResult,
    policies: Sequence[Any],
    *,
    drills: Sequence[RunRecord] = (),
    tests: dict[str, RunRecord] | None = None,
    disabled: frozenset[str] = frozenset(),
    checkov: CheckovEvidence | None = None,
    now: dt.datetime | None = None,
    decisions: dict[str, RunRecord] | None = None,
) -> list[ControlResult]:
    """One ControlResult per catalog control, in catalog order (see the module docstring for the rules).

    `disabled` names policies a policy config turned off: they judged nothing. `checkov`, when present, adds its
    failures (and suppressions) to the controls they bear on. A control that would pass on drill reports older
    than its frequency allows at `now` (default: the current time), or carrying no time, is `stale`.
    `decisions` (kind -> record, trustfabric.evidence.decisions) are judged like drill reports and listed apart
    (`ControlResult.decisions`, the matrix's "Release decisions").
    """
    moment = now or dt.datetime.now(dt.UTC)
    by_name = {policy.name: policy_info(policy) for policy in policies}
    policy_controls = {name: info.control_ids for name, info in by_name.items()}
    drill_by_name = drills_by_name(list(drills))
    ordered = _ordered_resources(gate)
    results = []
    for control in catalog.controls:
        evaluations = []
        for name in control.policies:
            info = by_name.get(name)
            resources = () if info is None or name in disabled else evaluated_resources(info, gate, ordered=ordered)
            evaluations.append(
                PolicyEvaluation(
                    policy=name,
                    resources=resources,
                    findings=tuple(f for f in gate.findings if f.policy == name),
                    exempted=tuple(f for f in gate.exempted if f.policy == name),
                    module=info.module if info is not None else "",
                    disabled=name in disabled,
                    known=info is not None,
                )
            )
        findings = tuple(f for f in gate.findings if f.policy in control.policies or control.key in f.controls)
        exempted = tuple(f for f in gate.exempted if f.policy in control.policies or control.key in f.controls)
        drill_records = tuple(
            drill_by_name.get(name, RunRecord(name, "absent", "", "no report in this package"))
            for name in control.drills
        )
        decision_records = tuple(
            (decisions or {}).get(kind, RunRecord(kind, "absent", "", "no decision in this package"))
            for kind in control.decisions
        )
        operated = (*drill_records, *decision_records)  # drills and decisions are judged alike
        test_records = tuple(
            (tests or {}).get(path, RunRecord(path, "absent", "", "no result in this package"))
            for path in control.tests
        )
        checkov_failures: tuple[dict[str, Any], ...] = ()
        checkov_suppressed: tuple[dict[str, Any], ...] = ()
        if checkov is not None and checkov.present:
            checkov_failures = tuple(
                f for f in checkov.findings if control.key in checkov.controls_of(f, policy_controls)
            )
            checkov_suppressed = tuple(
                f for f in checkov.suppressed if control.key in checkov.controls_of(f, policy_controls)
            )
        status, reasons = decide(
            control, evaluations, findings, exempted, operated, test_records, checkov_failures, checkov_suppressed
        )
        if status is ControlStatus.PASS and operated and control.max_age is not None:
            verdict = freshness(control, [r.time for r in operated if r.time is not None], moment)
            if verdict.state in (STALE, MISSING):
                status, reasons = ControlStatus.STALE, (f"stale: {verdict.reason}", *reasons)
        results.append(
            ControlResult(
                control,
                status,
                tuple(evaluations),
                findings,
                exempted,
                drill_records,
                test_records,
                reasons,
                checkov_failures,
                checkov_suppressed,
                decision_records,
            )
        )
    return results


def _checkov_text(entry: dict[str, Any]) -> str:
    resource = entry.get("resource")
    if not isinstance(resource, dict):
        resource = {}
    return f"checkov {entry.get('policy')} on {resource.get('name') or resource.get('urn') or '?'}"


def decide(
    control: Control,
    evaluations: Sequence[PolicyEvaluation],
    findings: Sequence[Finding],
    exempted: Sequence[Finding],
    drills: Sequence[RunRecord],
    tests: Sequence[RunRecord],
    checkov_failures: Sequence[dict[str, Any]] = (),
    checkov_suppressed: Sequence[dict[str, Any]] = (),
) -> tuple[ControlStatus, tuple[str, ...]]:
    """The control's result and the reasons, worst first (the rules are in the module docstring)."""
    reasons: list[str] = []
    loosened = [f for f in findings if f.extra.get("kind") == "loosened-config"]
    if loosened:
        reasons.append(f"{len(loosened)} policy config(s) loosened below a floor")
    if findings:
        reasons.append(f"{len(findings)} finding(s) of {', '.join(sorted({f.policy for f in findings}))}")
    failed_runs = [record for record in (*drills, *tests) if record.status == "fail"]
    reasons += [f"{record.name} failed ({record.source})" for record in failed_runs]
    reasons += [f"{_checkov_text(entry)} failed" for entry in checkov_failures]
    if findings or failed_runs or checkov_failures:
        return ControlStatus.FAIL, tuple(reasons)

    missing = [
        f"{record.name}: {record.status} ({record.detail or 'no evidence'})"
        for record in (*drills, *tests)
        if record.status != "pass"
    ]
    missing += [f"{e.policy}: disabled by the policy config; it judged nothing" for e in evaluations if e.disabled]
    missing += [f"{e.policy}: not in the policies evaluated" for e in evaluations if not e.known and not e.disabled]
    if missing:
        return ControlStatus.EVIDENCE_MISSING, tuple(f"evidence missing: {line}" for line in missing)

    if exempted or checkov_suppressed:
        approvals = sorted(
            {
                f"{f.extra['exemption'].get('approver', '?')} until {f.extra['exemption'].get('expires', '?')}"
                for f in exempted
                if isinstance(f.extra.get("exemption"), dict)
            }
            | {
                f"{entry['extra']['exemption'].get('approver', '?')} until "
                f"{entry['extra']['exemption'].get('expires', '?')}"
                for entry in checkov_suppressed
                if isinstance(entry.get("extra"), dict) and isinstance(entry["extra"].get("exemption"), dict)
            }
        )
        count = len(exempted) + len(checkov_suppressed)
        return ControlStatus.EXEMPTED, (f"{count} exempted finding(s): approved by {'; '.join(approvals)}",)

    evaluated = sum(len(evaluation.resources) for evaluation in evaluations)
    passed_runs = [record for record in (*drills, *tests) if record.status == "pass"]
    if evaluated:
        reasons.append(f"{len(evaluations)} policies judged {evaluated} resource evaluations; no finding")
    reasons += [f"{record.name} passed" for record in passed_runs]
    if evaluated or passed_runs:
        return ControlStatus.PASS, tuple(reasons)
    if control.policies and not control.procedure:
        return ControlStatus.NOT_APPLICABLE, ("its policies apply to resource types this stack does not declare",)
    if control.policies:
        reasons.append("its policies apply to resource types this stack does not declare")
    reasons.append(f"no automated result in this package; procedure: {control.procedure or '-'}")
    return ControlStatus.MANUAL, tuple(reasons)


# ------------------------------------------------------------------------------------------------------------
# Rendering


def summary_counts(results: Sequence[ControlResult]) -> dict[str, int]:
    """Controls per result (every state, zeros included), keyed by the status value."""
    counts = Counter(result.status for result in results)
    return {status.value: counts.get(status, 0) for status in STATUSES}


def counts_by_framework(results: Sequence[ControlResult]) -> dict[str, dict[str, int]]:
    """Per framework (catalog order), controls per result: the summary the auditor's page charts."""
    grouped: dict[str, list[ControlResult]] = {}
    for result in results:
        grouped.setdefault(result.control.framework, []).append(result)
    return {framework: summary_counts(rows) for framework, rows in grouped.items()}


def matrix_document(results: Sequence[ControlResult], *, stack: str, generated: str = "") -> dict[str, Any]:
    """control-matrix.json: the summary (total and by framework) and every control's row."""
    return {
        "stack": stack,
        "generated_at": generated,
        "statuses": {status.value: status.label for status in STATUSES},
        "summary": {"total": summary_counts(results), "by_framework": counts_by_framework(results)},
        "controls": [result.as_dict() for result in results],
    }


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _types_text(resources: Sequence[EvaluatedResource]) -> str:
    counts = Counter(resource.type for resource in resources)
    return ", ".join(f"{type_} x{count}" for type_, count in sorted(counts.items())) or "-"


def finding_text(finding: Finding) -> str:
    """One line for a finding: enforcement, policy, resource, message, and the exemption when there is one."""
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


def capped_names(resources: Sequence[EvaluatedResource], limit: int = RESOURCES_SHOWN) -> tuple[list[str], int]:
    """The first `limit` resources as `type::name`, and how many more there are."""
    names = [f"{resource.type}::{resource.name}" for resource in resources[:limit]]
    return names, max(0, len(resources) - limit)


def render_markdown(results: Sequence[ControlResult], *, stack: str, generated: str = "") -> str:
    """control-matrix.md: a summary table, then one section per control with its evidence."""
    counts = summary_counts(results)
    lines = [
        f"# Control matrix: stack `{stack}`",
        "",
        f"Generated {generated} by `trustfabric evidence`. "
        + ", ".join(f"{count} {ControlStatus(status).label}" for status, count in counts.items()),
        "",
        "| Control | Title | Result | Policies | Resources evaluated | Findings | Exempted |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        lines.append(
            f"| [{result.control.key}](#{anchor(result.control.key)}) | {_md(result.control.title)} | "
            f"**{result.status.label}** | {len(result.evaluations)} | {len(result.resources)} | "
            f"{len(result.findings)} | {len(result.exempted)} |"
        )
    for result in results:
        control = result.control
        lines += [
            "",
            f'<a id="{anchor(control.key)}"></a>',
            "",
            f"## {control.key}: {control.title} ({result.status.label})",
            "",
            control.summary,
            "",
        ]
        lines += [f"- {_md(reason)}" for reason in result.reasons]
        if result.evaluations:
            lines += ["", "| Policy | Resources evaluated | By type | Findings | Exempted |", "|---|---|---|---|---|"]
            for evaluation in result.evaluations:
                state = " (disabled)" if evaluation.disabled else ""
                lines.append(
                    f"| {evaluation.policy}{state} | {len(evaluation.resources)} | "
                    f"{_md(_types_text(evaluation.resources))} | {len(evaluation.findings)} | "
                    f"{len(evaluation.exempted)} |"
                )
        if result.resources:
            names, more = capped_names(result.resources)
            lines += ["", "Resources: " + ", ".join(f"`{_md(name)}`" for name in names)]
            if more:
                lines[-1] += f" and {more} more"
        if result.findings or result.exempted:
            lines += ["", "Findings:", ""]
            lines += [f"- {_md(finding_text(finding))}" for finding in (*result.findings, *result.exempted)]
        if result.checkov or result.checkov_suppressed:
            lines += ["", "checkov: " + "; ".join(_md(_checkov_text(e)) for e in result.checkov)]
            if result.checkov_suppressed:
                lines[-1] += " suppressed: " + "; ".join(_md(_checkov_text(e)) for e in result.checkov_suppressed)
        for label, records in (
            ("Drills", result.drills),
            ("Release decisions", result.decisions),
            ("Tests", result.tests),
        ):
            if records:
                lines += ["", f"{label}: " + "; ".join(f"{r.name}: {r.status}" for r in records)]
        if control.documents:
            lines += ["", "Documents: " + ", ".join(control.documents)]
        if control.procedure:
            lines += ["", f"Manual procedure: {control.procedure}"]
    return "\n".join(lines) + "\n"


def anchor(key: str) -> str:
    """The HTML/Markdown anchor of a control key: `SOC2 CC6.1` -> `soc2-cc6-1`."""
    return "".join(ch if ch.isalnum() else "-" for ch in key.lower())


# load_drill_reports, load_junit and RunRecord moved to .inputs; imported here too, where callers found them.
__all__ = [
    "RESOURCES_SHOWN",
    "ControlResult",
    "EvaluatedResource",
    "PolicyEvaluation",
    "RunRecord",
    "anchor",
    "capped_names",
    "counts_by_framework",
    "decide",
    "evaluate_controls",
    "finding_text",
    "load_drill_reports",
    "load_junit",
    "matrix_document",
    "render_markdown",
    "summary_counts",
]
