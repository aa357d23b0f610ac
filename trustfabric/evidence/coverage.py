"""The coverage report of the control catalog: per framework how its controls are met, and what is wrong.

`check` judges every entry (complete for its mode, links that resolve, test files and drill kinds that exist)
and every framework with a reference list (claimed in full); `Coverage` renders the per-control listing
(`trustfabric controls`), the per-framework summary (`trustfabric controls --coverage`) and JSON.
`trustfabric.evidence.controls.coverage` is the same function, for callers that import it with the catalog.

Usage::

    from trustfabric.evidence.coverage import check

    report = check(load_catalog(policies=all_policies()))
    print(report.render_summary())
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..paths import REPO_ROOT
from .controls import DRILL_KINDS, Catalog, drill_available, entry_problems, link_problem
from .references import reference_problems


@dataclass(frozen=True)
class FrameworkCoverage:
    """One framework's counts: how its controls are met, and how many name evidence that is missing."""

    framework: str
    title: str
    controls: int
    automated: int
    manual: int
    not_applicable: int
    evidence_missing: int
    """Controls whose named evidence (test file, drill kind, procedure section) does not exist."""
    reference: str = ""

    @property
    def applicable(self) -> int:
        return self.controls - self.not_applicable

    @property
    def automated_share(self) -> float:
        """Automated controls as a share of all controls (0..1)."""
        return self.automated / self.controls if self.controls else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "framework": self.framework,
            "title": self.title,
            "reference": self.reference or None,
            "controls": self.controls,
            "automated": self.automated,
            "manual": self.manual,
            "not_applicable": self.not_applicable,
            "evidence_missing": self.evidence_missing,
            "automated_percent": round(100 * self.automated_share, 1),
        }


@dataclass(frozen=True)
class Coverage:
    """The coverage report: per control its mode and evidence, per framework the counts, and what is wrong."""

    catalog: Catalog
    incomplete: tuple[str, ...]
    """Entries not complete for their mode (see entry_problems)."""
    unknown_references: dict[str, tuple[str, ...]]
    broken_links: tuple[str, ...]
    missing_tests: tuple[str, ...]
    unknown_drills: tuple[str, ...]
    reference: tuple[str, ...] = ()
    """Ids of a reference list the catalog lacks, and catalog ids outside their list."""
    missing_evidence: frozenset[str] = frozenset()
    """Control keys whose named evidence does not exist."""

    @property
    def uncovered(self) -> tuple[str, ...]:
        return self.incomplete

    @property
    def ok(self) -> bool:
        return not self.problems()

    def problems(self) -> list[str]:
        """One line per problem that fails the report."""
        lines = list(self.incomplete)
        lines += [
            f"{key}: referenced by {', '.join(names)} but not in {self.catalog.source}"
            for key, names in self.unknown_references.items()
        ]
        lines += list(self.reference)
        lines += [f"broken link: {problem}" for problem in self.broken_links]
        lines += [f"missing test file: {problem}" for problem in self.missing_tests]
        lines += [f"unknown drill: {problem}" for problem in self.unknown_drills]
        return lines

    def frameworks(self) -> list[FrameworkCoverage]:
        rows = []
        for framework, controls in self.catalog.by_framework().items():
            info = self.catalog.frameworks.get(framework, {})
            rows.append(
                FrameworkCoverage(
                    framework=framework,
                    title=str(info.get("title", framework)),
                    controls=len(controls),
                    automated=sum(control.mode == "automated" for control in controls),
                    manual=sum(control.mode == "manual" for control in controls),
                    not_applicable=sum(control.mode == "not-applicable" for control in controls),
                    evidence_missing=sum(control.key in self.missing_evidence for control in controls),
                    reference=str(info.get("reference", "")),
                )
            )
        return rows

    def as_dict(self) -> dict[str, Any]:
        controls = [control.as_dict() for control in self.catalog.controls]
        for row in controls:
            row["evidence_missing"] = row["control"] in self.missing_evidence
        return {
            "catalog": self.catalog.source,
            "controls": controls,
            "frameworks": [row.as_dict() for row in self.frameworks()],
            "summary": {
                "controls": len(controls),
                "automated": sum(1 for control in self.catalog.controls if control.automated),
                "manual": sum(1 for control in self.catalog.controls if control.is_manual),
                "not_applicable": sum(1 for control in self.catalog.controls if control.not_applicable),
                "evidence_missing": len(self.missing_evidence),
                "with_policies": sum(1 for control in self.catalog.controls if control.policies),
            },
            "problems": self.problems(),
            "ok": self.ok,
        }

    def render_summary(self) -> str:
        """The per-framework table `trustfabric controls --coverage` prints, then the problems."""
        header = ("framework", "controls", "automated", "manual", "not applicable", "evidence missing")
        rows = [
            (
                row.framework,
                str(row.controls),
                f"{row.automated} ({100 * row.automated_share:.1f}%)",
                str(row.manual),
                str(row.not_applicable),
                str(row.evidence_missing),
            )
            for row in self.frameworks()
        ]
        summary = self.as_dict()["summary"]
        rows.append(
            (
                "total",
                str(summary["controls"]),
                f"{summary['automated']} ({100 * summary['automated'] / max(summary['controls'], 1):.1f}%)",
                str(summary["manual"]),
                str(summary["not_applicable"]),
                str(summary["evidence_missing"]),
            )
        )
        widths = [max(len(line[index]) for line in (header, *rows)) for index in range(len(header))]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
            for line in (header, *rows)
        ]
        lines += self.problems()
        lines.append(f"{len(self.problems())} problems")
        return "\n".join(lines) + "\n"

    def render_text(self) -> str:
        lines: list[str] = []
        for framework, controls in self.catalog.by_framework().items():
            lines.append(f"{framework} ({len(controls)} controls)")
            for control in controls:
                lines.append(f"  {control.id}  {control.title}  [{control.mode}]")
                if control.policies:
                    lines.append(f"    policies: {', '.join(control.policies)}")
                if control.tests:
                    lines.append(f"    tests: {', '.join(control.tests)}")
                if control.drills:
                    lines.append(f"    drills: {', '.join(control.drills)}")
                if control.documents:
                    lines.append(f"    documents: {', '.join(control.documents)}")
                if control.procedure:
                    lines.append(
                        f"    procedure: {control.procedure} ({control.owner}, {control.frequency}; record: {control.record})"
                    )
                if control.justification:
                    lines.append(f"    not applicable: {control.justification}")
        summary = self.as_dict()["summary"]
        lines.append("")
        lines += self.problems()
        lines.append(
            f"{summary['controls']} controls: {summary['automated']} automated "
            f"({summary['with_policies']} by policies), {summary['manual']} manual, "
            f"{summary['not_applicable']} not applicable; {len(self.problems())} problems"
        )
        return "\n".join(lines) + "\n"


def check(catalog: Catalog, root: Path = REPO_ROOT) -> Coverage:
    """Check every control: complete for its mode, links that resolve, test files and drill kinds that exist,
    and every framework with a reference list claimed in full."""
    incomplete: list[str] = []
    broken: list[str] = []
    missing_tests: list[str] = []
    unknown_drills: list[str] = []
    missing: set[str] = set()
    for control in catalog.controls:
        incomplete += entry_problems(control, catalog.roles, root)
        for link in (*control.documents, *((control.procedure,) if control.procedure else ())):
            problem = link_problem(link, root)
            if problem is not None:
                if f"{control.key}: {problem}" not in broken:
                    broken.append(f"{control.key}: {problem}")
                if link == control.procedure:
                    missing.add(control.key)
        for test in control.tests:
            if not (root / test).is_file():
                missing_tests.append(f"{control.key}: {test}")
                missing.add(control.key)
        for drill in control.drills:
            if not drill_available(drill, root):
                unknown_drills.append(f"{control.key}: {drill}; allowed: {', '.join(DRILL_KINDS)}")
                missing.add(control.key)
    return Coverage(
        catalog=catalog,
        incomplete=tuple(incomplete),
        unknown_references=dict(catalog.unknown_references),
        broken_links=tuple(broken),
        missing_tests=tuple(missing_tests),
        unknown_drills=tuple(unknown_drills),
        reference=tuple(reference_problems(catalog, root)),
        missing_evidence=frozenset(missing),
    )


__all__ = ["Coverage", "FrameworkCoverage", "check"]
