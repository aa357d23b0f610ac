"""The control catalog (`compliance/controls.yaml`) as typed data, joined with the policy pack's metadata.

The YAML holds what people decide: which controls we claim, our summary, and how each one is met. Every entry
is exactly one of three modes:

- `automated`: policies, tests or drills evidence it. Which policies is computed from every policy's
  `META.controls`, so the two cannot disagree; the tests are files on disk and the drills are kinds the drills
  produce (`DRILL_KINDS`). An automated entry may also carry a manual complement for the part a person does;
- `manual`: an owner role (one of the catalog's `roles`), a procedure (a `docs/compliance/` section), a
  frequency (`FREQUENCIES`) and where its record lives;
- `not-applicable`: a written justification, and no evidence at all.

Frameworks with a `reference` list (compliance/*.yaml, vendored with their source and hash) must be claimed in
full: the catalog has an entry for every id of the list and no id outside it (`reference_problems`).

Usage::

    from trustfabric.evidence.controls import coverage, load_catalog

    catalog = load_catalog(policies=all_policies())  # compliance/controls.yaml, joined with the policies
    for control in catalog.controls:
        print(control.key, control.mode, control.policies)
    report = coverage(catalog)
    print(report.render_summary())                   # automated / manual / not applicable per framework
    raise SystemExit(0 if report.ok else 1)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import TrustFabricError
from ..files import read_yaml
from ..gate.info import policy_info
from ..paths import CONTROL_CATALOG, REPO_ROOT

if TYPE_CHECKING:
    from .coverage import Coverage

CATALOG_PATH = CONTROL_CATALOG
MODES = ("automated", "manual", "not-applicable")
FIELDS = (
    "title",
    "summary",
    "mode",
    "tests",
    "drills",
    "decisions",
    "documents",
    "procedure",
    "owner",
    "frequency",
    "max_age_days",
    "record",
    "justification",
)
MANUAL_FIELDS = ("owner", "procedure", "frequency", "record")
"""What a manual entry (or an automated entry's manual complement) must name, all together."""
FREQUENCIES: dict[str, int | None] = {
    "weekly": 7,
    "monthly": 31,
    "quarterly": 92,
    "semiannually": 184,
    "annually": 366,
    "per-event": None,
}
"""How often a control's evidence must be renewed, and the age in days past which it is stale (freshness.py).
`per-event` controls (an erasure request, an incident, a hire) have no calendar: their evidence is per event."""
DRILL_KINDS = ("restore", "pitr", "failover", "failback", "quarterly")
"""The drill reports the drills produce (`drill` field of reports/drills/*.json): `trustfabric drill restore`,
the row-level `restore` and `pitr` recovery kinds, `failover` and `failback`, and the quarterly report."""
DECISION_KINDS = ("release-gate",)
"""Signed decisions the evidence package cites (`decisions:`): `release-gate`, the newest decision record of
`trustfabric release gate` for the package's stack (trustfabric/evidence/decisions.py)."""
PROCEDURE_DIR = "docs/compliance/"


@dataclass(frozen=True)
class Control:
    """One claimed control, how it is met, and everything that evidences it."""

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
    decisions: tuple[str, ...] = ()
    """Signed decisions that evidence it (DECISION_KINDS), e.g. the release gate's."""
    documents: tuple[str, ...] = ()
    procedure: str = ""
    """The docs/compliance section holding the manual procedure (manual entries and manual complements)."""
    mode: str = "automated"
    """automated, manual or not-applicable (MODES)."""
    owner: str = ""
    """The role that operates the manual procedure, e.g. Head of Security."""
    frequency: str = ""
    """A key of FREQUENCIES: how often the evidence is renewed (empty: at every evidence run)."""
    max_age_days: int | None = None
    """Overrides the frequency's age limit (an access review every quarter, stale after 90 days)."""
    record: str = ""
    """Where the record of each manual operation lives."""
    justification: str = ""
    """Why a not-applicable control does not apply."""

    @property
    def key(self) -> str:
        """ "FRAMEWORK ID", the form policies and findings use, e.g. "SOC2 CC6.1"."""
        return f"{self.framework} {self.id}"

    @property
    def automated(self) -> bool:
        """True when the entry is automated: policies, tests or drills evidence it."""
        return self.mode == "automated"

    @property
    def is_manual(self) -> bool:
        """True when the entry rests on its manual procedure."""
        return self.mode == "manual"

    @property
    def not_applicable(self) -> bool:
        return self.mode == "not-applicable"

    @property
    def has_manual_part(self) -> bool:
        """A manual entry, or an automated one with a manual complement."""
        return bool(self.owner and self.procedure)

    @property
    def evidence_sources(self) -> tuple[str, ...]:
        """Every automated evidence source, as `policy:NAME`, `test:PATH`, `drill:KIND`."""
        return (
            *(f"policy:{name}" for name in self.policies),
            *(f"test:{path}" for path in self.tests),
            *(f"drill:{kind}" for kind in self.drills),
            *(f"decision:{kind}" for kind in self.decisions),
        )

    @property
    def max_age(self) -> int | None:
        """Days after which the newest evidence is stale (None: no calendar, e.g. per-event or every run)."""
        if self.max_age_days is not None:
            return self.max_age_days
        return FREQUENCIES.get(self.frequency) if self.frequency else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "control": self.key,
            "framework": self.framework,
            "id": self.id,
            "title": self.title,
            "summary": self.summary,
            "mode": self.mode,
            "policies": list(self.policies),
            "tests": list(self.tests),
            "drills": list(self.drills),
            "decisions": list(self.decisions),
            "documents": list(self.documents),
            "procedure": self.procedure,
            "owner": self.owner,
            "frequency": self.frequency,
            "max_age_days": self.max_age,
            "record": self.record,
            "justification": self.justification,
            "manual": self.is_manual,
        }


@dataclass(frozen=True)
class Catalog:
    """Every claimed control, plus the frameworks' titles, versions and reference lists, and the owner roles."""

    source: str
    frameworks: dict[str, dict[str, str]]
    controls: tuple[Control, ...]
    unknown_references: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Control ids a policy references that the catalog lacks: control key -> policy names."""
    roles: tuple[str, ...] = ()
    """The owner roles a manual procedure may name."""

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


def _text(source: str, where: str, value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TrustFabricError(f"{source}: {where}: expected text")
    return " ".join(value.split())


def policy_references(policies: Iterable[Any]) -> dict[str, tuple[str, ...]]:
    """Control key ("SOC2 CC6.1") -> names of the policies whose metadata names it."""
    references: dict[str, list[str]] = {}
    for policy in policies:
        for key in policy_info(policy).control_ids:
            references.setdefault(key, []).append(policy.name)
    return {key: tuple(sorted(names)) for key, names in references.items()}


def _entry(source: str, framework: str, control_id: str, entry: Any, policies: tuple[str, ...]) -> Control:
    where = f"controls.{framework}.{control_id}"
    if not isinstance(entry, dict):
        raise TrustFabricError(f"{source}: {where}: expected a mapping")
    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        raise TrustFabricError(f"{source}: {where}.{unknown[0]}: unknown key; allowed: {', '.join(FIELDS)}")
    for required in ("title", "summary"):
        if not isinstance(entry.get(required), str) or not entry[required].strip():
            raise TrustFabricError(f"{source}: {where}.{required}: required text is missing")
    mode = entry.get("mode")
    if mode not in MODES:
        raise TrustFabricError(f"{source}: {where}.mode: {mode!r} is not allowed; allowed: {', '.join(MODES)}")
    frequency = _text(source, f"{where}.frequency", entry.get("frequency"))
    if frequency and frequency not in FREQUENCIES:
        raise TrustFabricError(
            f"{source}: {where}.frequency: {frequency!r} is not allowed; allowed: {', '.join(FREQUENCIES)}"
        )
    max_age = entry.get("max_age_days")
    if max_age is not None and (not isinstance(max_age, int) or isinstance(max_age, bool) or max_age < 1):
        raise TrustFabricError(
            f"{source}: {where}.max_age_days: {max_age!r} is not allowed; allowed: a whole number >= 1"
        )
    return Control(
        framework=str(framework),
        id=str(control_id),
        title=entry["title"].strip(),
        summary=" ".join(entry["summary"].split()),
        policies=policies,
        tests=_strings(source, f"{where}.tests", entry.get("tests")),
        drills=_strings(source, f"{where}.drills", entry.get("drills")),
        decisions=_strings(source, f"{where}.decisions", entry.get("decisions")),
        documents=_strings(source, f"{where}.documents", entry.get("documents")),
        procedure=_text(source, f"{where}.procedure", entry.get("procedure")),
        mode=mode,
        owner=_text(source, f"{where}.owner", entry.get("owner")),
        frequency=frequency,
        max_age_days=max_age,
        record=_text(source, f"{where}.record", entry.get("record")),
        justification=_text(source, f"{where}.justification", entry.get("justification")),
    )


def load_catalog(path: Path | None = None, *, policies: Sequence[Any]) -> Catalog:
    """Read the catalog YAML (default: compliance/controls.yaml) and join it with the policies.

    Raises TrustFabricError for an unreadable or malformed file (naming the file and key). Whether each entry is
    complete for its mode is judged by `coverage` (so one report names every problem at once).
    """
    path = path or CATALOG_PATH
    source = str(path)
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("controls"), dict):
        raise TrustFabricError(f"{source}: expected a mapping with 'controls' by framework")
    references = policy_references(policies)
    frameworks = {str(name): dict(info or {}) for name, info in (data.get("frameworks") or {}).items()}
    roles = _strings(source, "roles", data.get("roles"))
    controls: list[Control] = []
    for framework, entries in data["controls"].items():
        if not isinstance(entries, dict):
            raise TrustFabricError(f"{source}: controls.{framework}: expected a mapping of control id to entry")
        for control_id, entry in entries.items():
            key = f"{framework} {control_id}"
            controls.append(_entry(source, str(framework), str(control_id), entry, references.get(key, ())))
    claimed = {control.key for control in controls}
    unknown_references = {key: names for key, names in sorted(references.items()) if key not in claimed}
    return Catalog(source, frameworks, tuple(controls), unknown_references, roles)


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
    """True when the drills produce reports of this kind (DRILL_KINDS), or a drill report with this name exists."""
    return name in DRILL_KINDS or (root / "reports" / "drills" / f"{name}.json").is_file()


def entry_problems(control: Control, roles: Sequence[str], root: Path = REPO_ROOT) -> list[str]:
    """Why an entry is not complete for its mode (one line each, naming the control)."""
    key = control.key
    problems: list[str] = []
    manual_values = {name: getattr(control, name) for name in MANUAL_FIELDS}
    # A frequency alone is how often automated evidence is renewed; owner, procedure or record start a manual part.
    given = [name for name in ("owner", "procedure", "record") if manual_values[name]]
    if control.mode == "not-applicable":
        if not control.justification:
            problems.append(f"{key}: not-applicable without a justification")
        evidence = [*control.evidence_sources, *(f"{name}:{manual_values[name]}" for name in given)]
        if evidence:
            problems.append(f"{key}: not-applicable but names evidence ({', '.join(evidence)})")
        return problems
    if control.justification:
        problems.append(f"{key}: a justification belongs to not-applicable entries only (mode {control.mode})")
    if control.mode == "automated" and not (control.policies or control.tests or control.drills or control.decisions):
        problems.append(f"{key}: automated without a policy, test or drill")
    problems += [
        f"{key}: decision {kind!r} is not one the tooling records; allowed: {', '.join(DECISION_KINDS)}"
        for kind in control.decisions
        if kind not in DECISION_KINDS
    ]
    if control.mode == "manual" or given:
        missing = [name for name in MANUAL_FIELDS if not manual_values[name]]
        if missing:
            label = "manual" if control.mode == "manual" else "manual complement"
            problems.append(f"{key}: {label} without {', '.join(missing)}")
    if control.owner and roles and control.owner not in roles:
        problems.append(f"{key}: owner {control.owner!r} is not a role of the catalog; allowed: {', '.join(roles)}")
    if control.procedure and not control.procedure.startswith(PROCEDURE_DIR):
        problems.append(f"{key}: procedure {control.procedure} is not under {PROCEDURE_DIR}")
    return problems


# ------------------------------------------------------------------------------------------------------------
# Coverage (trustfabric/evidence/coverage.py; here for the callers that import it with the catalog)


def coverage(catalog: Catalog, root: Path = REPO_ROOT) -> Coverage:
    """Check every control: complete for its mode, links that resolve, test files and drill kinds that exist,
    and every framework with a reference list claimed in full (see `coverage.check`)."""
    from .coverage import check

    return check(catalog, root)


def oscal_control_id(framework: str, control_id: str) -> str:
    """An OSCAL token for a control: `soc2-cc6.1`, `iso27001-2022-a.8.24`, `gdpr-art.5.1.e`, `cis-aws-3.0-3.6`."""
    prefix = re.sub(r"[^a-z0-9.]+", "-", framework.lower()).strip("-.")
    body = re.sub(r"[^a-z0-9.\-]+", ".", control_id.lower()).strip(".")
    return f"{prefix}-{body}"


__all__ = [
    "CATALOG_PATH",
    "DECISION_KINDS",
    "DRILL_KINDS",
    "FREQUENCIES",
    "MANUAL_FIELDS",
    "MODES",
    "Catalog",
    "Control",
    "coverage",
    "drill_available",
    "entry_problems",
    "heading_anchors",
    "link_problem",
    "load_catalog",
    "oscal_control_id",
    "policy_references",
]
