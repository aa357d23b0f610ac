"""What every report counts and in which order it lists findings.

Usage::

    from trustfabric.report.summary import summary, summary_line

    print(summary_line(result.findings))      # "1 mandatory, 0 advisory violations in 1 resource"
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..findings import Finding, sort_key


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in report order: most severe first, then policy, resource, message, enforcement, source."""
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


__all__ = ["ordered", "summary", "summary_line"]
