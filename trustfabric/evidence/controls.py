"""The control catalog (`compliance/controls.yaml`) as typed data, joined with the policy pack's metadata.

The YAML holds what people decide (which controls we claim, our summary, which tests, drills and documents
evidence each one, the manual procedure); which policies evidence a control is computed from every policy's
`META.controls`, so the two can never disagree. `trustfabric controls` prints the coverage report.

Usage::

    from trustfabric.evidence.controls import coverage, load_catalog

    catalog = load_catalog(policies=all_policies())  # compliance/controls.yaml, joined with the policies
    for control in catalog.controls:
        print(control.key, control.title, control.policies, control.is_manual)
    report = coverage(catalog)
    raise SystemExit(0 if report.ok else 1)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import TrustFabricError
from ..files import read_yaml
from ..gate.info import policy_info
from ..paths import CONTROL_CATALOG, REPO_ROOT

CATALOG_PATH = CONTROL_CATALOG
FIELDS = ("title", "summary", "tests", "drills", "documents", "procedure")


@dataclass(frozen=True)
class Control:
    """One claimed control and everything that evidences it."""

    framework: str
    """A key of policies.base.FRAMEWORKS, e.g. SOC2."""
    id: str
    """The framework's own id, e.g. CC6.1, A.8.24, Art.32, 3.6."""
    title: str
    summary: str
    """Our own wording of what the control requires."""
    policies: tuple[str, ...] = ()
    """Policy names whose metadata names this control (computed, never written by hand)."""
    tests: tuple[str, ...] = ()
    drills: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    procedure: str = ""
    """The document section holding the manual procedure; required when there is no automated check."""

    @property
    def key(self) -> str:
        """ "FRAMEWORK ID", the form policies and findings use, e.g. "SOC2 CC6.1"."""
        return f"{self.framework} {self.id}"

    @property
    def automated(self) -> bool:
        """True when a policy, test or drill checks the control."""
        return bool(self.policies or self.tests or self.drills)

    @property
    def is_manual(self) -> bool:
        """True when nothing automated checks the control: it rests on its manual procedure."""
        return not self.automated

    def as_dict(self) -> dict[str, Any]:
        return {
            "control": self.key,
            "framework": self.framework,
            "id": self.id,
            "title": self.title,
            "summary": self.summary,
            "policies": list(self.policies),
            "tests": list(self.tests),
            "drills": list(self.drills),
            "documents": list(self.documents),
            "procedure": self.procedure,
            "manual": self.is_manual,
        }


@dataclass(frozen=True)
class Catalog:
    """Every claimed control, plus the frameworks' titles and versions."""

    source: str
    frameworks: dict[str, dict[str, str]]
    controls: tuple[Control, ...]
    unknown_references: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Control ids a policy references that the catalog lacks: control key -> policy names."""

    def get(self, key: str) -> Control | None:
        return next((control for control in self.controls if control.key == key), None)

    def by_framework(self) -> dict[str, list[Control]]:
        grouped: dict[str, list[Control]] = {}
        for control in self.controls:
            grouped.setdefault(control.framework, []).append(control)
        return grouped


def _strings(source: str, where: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TrustFabricError(f"{source}: {where}: expected a list of strings")
    return tuple(value)


def policy_references(policies: Iterable[Any]) -> dict[str, tuple[str, ...]]:
    """Control key ("SOC2 CC6.1") -> names of the policies whose metadata names it."""
    references: dict[str, list[str]] = {}
    for policy in policies:
        for key in policy_info(policy).control_ids:
            references.setdefault(key, []).append(policy.name)
    return {key: tuple(sorted(names)) for key, names in references.items()}


def load_catalog(path: Path | None = None, *, policies: Sequence[Any]) -> Catalog:
    """Read the catalog YAML (default: compliance/controls.yaml) and join it with the policies.

    Raises TrustFabricError for an unreadable or malformed file (naming the file and key).
    """
    path = path or CATALOG_PATH
    source = str(path)
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("controls"), dict):
        raise TrustFabricError(f"{source}: expected a mapping with 'controls' by framework")
    references = policy_references(policies)
    frameworks = {str(name): dict(info or {}) for name, info in (data.get("frameworks") or {}).items()}
    controls: list[Control] = []
    for framework, entries in data["controls"].items():
        if not isinstance(entries, dict):
            raise TrustFabricError(f"{source}: controls.{framework}: expected a mapping of control id to entry")
        for control_id, entry in entries.items():
            where = f"controls.{framework}.{control_id}"
            if not isinstance(entry, dict):
                raise TrustFabricError(f"{source}: {where}: expected a mapping")
            unknown = sorted(set(entry) - set(FIELDS))
            if unknown:
                raise TrustFabricError(f"{source}: {where}.{unknown[0]}: unknown key; allowed: {', '.join(FIELDS)}")
            for required in ("title", "summary"):
                if not isinstance(entry.get(required), str) or not entry[required].strip():
                    raise TrustFabricError(f"{source}: {where}.{required}: required text is missing")
            key = f"{framework} {control_id}"
            controls.append(
                Control(
                    framework=str(framework),
                    id=str(control_id),
                    title=entry["title"].strip(),
                    summary=entry["summary"].strip(),
                    policies=references.get(key, ()),
                    tests=_strings(source, f"{where}.tests", entry.get("tests")),
                    drills=_strings(source, f"{where}.drills", entry.get("drills")),
                    documents=_strings(source, f"{where}.documents", entry.get("documents")),
                    procedure=str(entry.get("procedure") or ""),
                )
            )
    claimed = {control.key for control in controls}
    unknown_references = {key: names for key, names in sorted(references.items()) if key not in claimed}
    return Catalog(source, frameworks, tuple(controls), unknown_references)


# ------------------------------------------------------------------------------------------------------------
# Links: documents and procedures are paths from the repository root, optionally with a #section anchor.


def heading_anchors(markdown: str) -> set[str]:
    """GitHub-style anchors of a Markdown file's headings, plus explicit `<a id="...">` anchors."""
    anchors = set(re.findall(r'<a id="([^"]+)"', markdown))
    for line in markdown.splitlines():
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if match:
            text = re.sub(r"[`*_]", "", match.group(1)).strip().lower()
            anchors.add(re.sub(r"\s", "-", re.sub(r"[^\w\- ]", "", text)))
    return anchors


def link_problem(link: str, root: Path = REPO_ROOT) -> str | None:
    """Why `path[#anchor]` does not resolve under `root`, or None when it does."""
    path_text, _, anchor = link.partition("#")
    path = root / path_text
    if not path.is_file():
        return f"{link}: no such file"
    if anchor and anchor not in heading_anchors(path.read_text(encoding="utf-8")):
        return f"{link}: no section #{anchor} in {path_text}"
    return None


def drill_available(name: str, root: Path = REPO_ROOT) -> bool:
    """True when a drill module or a drill report with this name exists."""
    module = name.replace("-", "_")
    return (root / "trustfabric" / "drills" / f"{module}.py").is_file() or (
        root / "reports" / "drills" / f"{name}.json"
    ).is_file()


# ------------------------------------------------------------------------------------------------------------
# Coverage


@dataclass(frozen=True)
class Coverage:
    """The coverage report: per control its checks and evidence, and what is wrong."""

    catalog: Catalog
    uncovered: tuple[str, ...]
    """Controls with neither an automated check nor a documented manual procedure."""
    unknown_references: dict[str, tuple[str, ...]]
    broken_links: tuple[str, ...]
    missing_tests: tuple[str, ...]
    pending_drills: tuple[str, ...]
    """Drills the catalog names that have no module or report yet (informational)."""

    @property
    def ok(self) -> bool:
        return not (self.uncovered or self.unknown_references or self.broken_links or self.missing_tests)

    def problems(self) -> list[str]:
        """One line per problem that fails the report."""
        lines = [f"{key}: no automated check and no documented manual procedure" for key in self.uncovered]
        lines += [
            f"{key}: referenced by {', '.join(names)} but not in {self.catalog.source}"
            for key, names in self.unknown_references.items()
        ]
        lines += [f"broken link: {problem}" for problem in self.broken_links]
        lines += [f"missing test file: {problem}" for problem in self.missing_tests]
        return lines

    def as_dict(self) -> dict[str, Any]:
        controls = [control.as_dict() for control in self.catalog.controls]
        return {
            "catalog": self.catalog.source,
            "controls": controls,
            "summary": {
                "controls": len(controls),
                "automated": sum(1 for control in self.catalog.controls if control.automated),
                "manual": sum(1 for control in self.catalog.controls if control.is_manual),
                "with_policies": sum(1 for control in self.catalog.controls if control.policies),
            },
            "problems": self.problems(),
            "pending_drills": list(self.pending_drills),
            "ok": self.ok,
        }

    def render_text(self) -> str:
        lines: list[str] = []
        for framework, controls in self.catalog.by_framework().items():
            lines.append(f"{framework} ({len(controls)} controls)")
            for control in controls:
                mode = "manual" if control.is_manual else "automated"
                lines.append(f"  {control.id}  {control.title}  [{mode}]")
                if control.policies:
                    lines.append(f"    policies: {', '.join(control.policies)}")
                if control.tests:
                    lines.append(f"    tests: {', '.join(control.tests)}")
                if control.drills:
                    lines.append(f"    drills: {', '.join(control.drills)}")
                if control.documents:
                    lines.append(f"    documents: {', '.join(control.documents)}")
                if control.procedure:
                    lines.append(f"    procedure: {control.procedure}")
        summary = self.as_dict()["summary"]
        lines.append("")
        if self.pending_drills:
            lines.append(f"drills without a module or report yet: {', '.join(self.pending_drills)}")
        lines += self.problems()
        lines.append(
            f"{summary['controls']} controls: {summary['automated']} automated "
            f"({summary['with_policies']} by policies), {summary['manual']} manual; "
            f"{len(self.problems())} problems"
        )
        return "\n".join(lines) + "\n"


def coverage(catalog: Catalog, root: Path = REPO_ROOT) -> Coverage:
    """Check every control: a check or a procedure, links that resolve, test files that exist."""
    uncovered = tuple(control.key for control in catalog.controls if control.is_manual and not control.procedure)
    broken: list[str] = []
    missing_tests: list[str] = []
    pending: set[str] = set()
    for control in catalog.controls:
        for link in (*control.documents, *((control.procedure,) if control.procedure else ())):
            problem = link_problem(link, root)
            if problem is not None and f"{control.key}: {problem}" not in broken:
                broken.append(f"{control.key}: {problem}")
        missing_tests += [f"{control.key}: {test}" for test in control.tests if not (root / test).is_file()]
        pending.update(drill for drill in control.drills if not drill_available(drill, root))
    return Coverage(
        catalog=catalog,
        uncovered=uncovered,
        unknown_references=dict(catalog.unknown_references),
        broken_links=tuple(broken),
        missing_tests=tuple(missing_tests),
        pending_drills=tuple(sorted(pending)),
    )


def oscal_control_id(framework: str, control_id: str) -> str:
    """An OSCAL token for a control: `soc2-cc6.1`, `iso27001-2022-a.8.24`, `gdpr-art.5.1.e`, `cis-aws-3.0-3.6`."""
    prefix = re.sub(r"[^a-z0-9.]+", "-", framework.lower()).strip("-.")
    body = re.sub(r"[^a-z0-9.\-]+", ".", control_id.lower()).strip(".")
    return f"{prefix}-{body}"


__all__ = [
    "CATALOG_PATH",
    "Catalog",
    "Control",
    "Coverage",
    "coverage",
    "drill_available",
    "heading_anchors",
    "link_problem",
    "load_catalog",
    "oscal_control_id",
    "policy_references",
]
