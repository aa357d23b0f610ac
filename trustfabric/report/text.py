"""The text report: findings grouped by severity (critical first), for people and terminals.

Each finding shows its resource and policy, where it points in the source (`at: path:line`, with
`(via path:line)` for the program line that called into the resource's component; see
trustfabric.report.locations), its message, fix and controls, then a summary line
`N mandatory, M advisory violations in K resources`; rich markup only when asked (on a terminal).

Usage::

    from trustfabric.report.text import render_text

    print(render_text(result.findings, exempted=result.exempted, stack="prod", resources_count=120,
                      locator=graph_locator(graph)))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..findings import SEVERITIES, Finding
from .locations import Locator, stack_file_locator
from .summary import ordered, summary, summary_line

SEVERITY_ORDER = tuple(reversed(SEVERITIES))
"""critical, high, medium, low."""
_STYLE = dict(zip(SEVERITIES, ("cyan", "yellow", "red", "bold red"), strict=True))


def render_text(
    findings: Sequence[Finding],
    *,
    exempted: Sequence[Finding] = (),
    stack: str | None = None,
    resources_count: int | None = None,
    markup: bool = False,
    locator: Locator | None = None,
) -> str:
    """A human report grouped by severity; with `markup`, rich console markup (for a terminal).

    `locator` says where each finding points; without one, findings point at `Pulumi.<stack>.yaml` when a
    `stack` is given, and at nothing otherwise."""
    from rich.markup import escape

    def styled(text: str, style: str) -> str:
        return f"[{style}]{escape(text)}[/{style}]" if markup else text

    def plain(text: str) -> str:
        return escape(text) if markup else text

    where = locator or (stack_file_locator(stack) if stack is not None else None)
    lines: list[str] = []
    if stack is not None:
        evaluated = f" ({resources_count} resources evaluated)" if resources_count is not None else ""
        lines += [plain(f"stack {stack}{evaluated}"), ""]
    in_order = ordered(findings)
    for severity in (*SEVERITY_ORDER, ""):
        group = [f for f in in_order if (f.severity if f.severity in SEVERITIES else "") == severity]
        if not group:
            continue
        lines.append(styled(f"{(severity or 'unrated').upper()} ({len(group)})", _STYLE.get(severity, "bold")))
        for finding in group:
            lines += _finding_lines(finding, where, styled, plain)
        lines.append("")
    if exempted:
        lines.append(styled(f"EXEMPTED ({len(exempted)}, not counted)", "dim"))
        for finding in ordered(exempted):
            lines += _finding_lines(finding, where, styled, plain)
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


def _finding_lines(finding: Finding, where: Locator | None, styled: Any, plain: Any) -> list[str]:
    resource = finding.resource
    label = f"{resource.type} {resource.name}".strip() or "(stack)"
    marker = "x" if finding.is_mandatory else "!"
    head = f"  {marker} [{finding.enforcement}] {finding.policy}: {label}"
    lines = [styled(head, "bold") if finding.is_mandatory else plain(head)]
    if where is not None:
        lines.append(plain(f"      at: {where.locate(finding)}"))
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


__all__ = ["SEVERITY_ORDER", "render_text"]
