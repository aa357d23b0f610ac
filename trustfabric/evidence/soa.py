"""The Statement of Applicability for ISO/IEC 27001:2022, generated from the control catalog.

Every Annex A control of the vendored reference list (compliance/iso27001-2022-annex-a.yaml), in order: whether
it applies and why, how it is implemented (automated by policies, tests and drills; a manual procedure with its
owner and frequency; or not applicable with the justification), and where its evidence is. Three renderings:

- `soa.md`: Markdown, for the ISMS documents;
- `soa.html`: a standalone page in the auditor pages' style (the Jinja2 template templates/soa.html.j2);
- `soa-component-definition.json`: OSCAL 1.1.3, one component ("Trust Fabric ISMS") whose implemented
  requirements carry `applicability` and `implementation` props, validated like the package's other OSCAL
  documents against NIST's vendored schema (`oscal.read_back`).

Usage::

    from trustfabric.evidence.soa import write_soa

    paths = write_soa(Path("evidence/prod"), catalog)   # the evidence package calls this
    # or: trustfabric controls --soa --out DIR
"""

# trestle's generated models take hyphenated aliases; see the note in oscal.py.
# mypy: disable-error-code="call-arg,arg-type"

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2
from trestle.oscal import common
from trestle.oscal import component as comp

from ..errors import TrustFabricError
from ..paths import REPO_ROOT
from .controls import Catalog, Control, oscal_control_id
from .oscal import NAMESPACE, OSCAL_VERSION, read_back, stable_uuid, write_oscal
from .references import load_reference

FRAMEWORK = "ISO27001:2022"
TEMPLATE_DIR = Path(__file__).parent / "templates"
FILES = ("soa.md", "soa.html", "soa-component-definition.json")


@dataclass(frozen=True)
class SoaRow:
    """One Annex A control in the Statement of Applicability."""

    control_id: str
    title: str
    """The standard's control title (from the reference list)."""
    applicable: bool
    reason: str
    """Why it applies (our summary of the requirement) or why not (the justification)."""
    implementation: str
    """automated, manual, automated with a manual part, or not applicable."""
    how: str
    """How it is implemented, in one sentence built from the catalog entry."""
    evidence: tuple[str, ...]
    """Policies, tests, drills, documents and the record of its manual part."""

    @property
    def anchor(self) -> str:
        return self.control_id.lower().replace(".", "-")


def _how(control: Control) -> str:
    if control.not_applicable:
        return "Not implemented: the control does not apply."
    parts = []
    if control.automated:
        counts = [
            f"{len(items)} {label}{'' if len(items) == 1 else 's'}"
            for items, label in (
                (control.policies, "policy"),
                (control.tests, "test"),
                (control.drills, "drill"),
                (control.decisions, "signed decision"),
            )
            if items
        ]
        parts.append(f"Checked automatically by {', '.join(counts)} at every evidence run.")
    if control.has_manual_part:
        parts.append(
            f"{control.owner} operates the procedure ({control.frequency}): {control.procedure}; "
            f"record: {control.record}."
        )
    return " ".join(parts)


def soa_rows(catalog: Catalog, root: Path = REPO_ROOT) -> list[SoaRow]:
    """One row per control of the ISO 27001:2022 reference list, in its order.

    Raises TrustFabricError when the catalog has no reference list for ISO27001:2022 or lacks one of its
    controls (`trustfabric controls` names every such gap).
    """
    reference_path = catalog.frameworks.get(FRAMEWORK, {}).get("reference")
    if not reference_path:
        raise TrustFabricError(f"{catalog.source}: frameworks.{FRAMEWORK}.reference: required for the SoA")
    reference = load_reference(root / reference_path)
    rows = []
    for control_id, title in reference.items():
        control = catalog.get(f"{FRAMEWORK} {control_id}")
        if control is None:
            raise TrustFabricError(f"{catalog.source}: controls.{FRAMEWORK}.{control_id}: missing; the SoA needs it")
        if control.not_applicable:
            implementation = "not applicable"
        elif control.automated and control.has_manual_part:
            implementation = "automated with a manual part"
        else:
            implementation = control.mode
        evidence = (
            *(f"policy {name}" for name in control.policies),
            *(f"test {path}" for path in control.tests),
            *(f"drill {kind}" for kind in control.drills),
            *(f"decision {kind}" for kind in control.decisions),
            *(f"document {link}" for link in control.documents),
            *((f"record {control.record}",) if control.record else ()),
        )
        rows.append(
            SoaRow(
                control_id=control_id,
                title=title,
                applicable=not control.not_applicable,
                reason=control.justification if control.not_applicable else control.summary,
                implementation=implementation,
                how=_how(control),
                evidence=evidence,
            )
        )
    return rows


def _counts(rows: Sequence[SoaRow]) -> dict[str, int]:
    counts = {"controls": len(rows), "applicable": sum(row.applicable for row in rows)}
    counts["not applicable"] = counts["controls"] - counts["applicable"]
    for kind in ("automated", "automated with a manual part", "manual"):
        counts[kind] = sum(row.implementation == kind for row in rows)
    return counts


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(rows: Sequence[SoaRow], *, generated: str) -> str:
    """soa.md: a summary, the table of every control, then each control's evidence."""
    counts = _counts(rows)
    lines = [
        "# Statement of Applicability: ISO/IEC 27001:2022 Annex A",
        "",
        f"Generated {generated} from compliance/controls.yaml by `trustfabric controls --soa`. "
        + ", ".join(f"{count} {label}" for label, count in counts.items()),
        "",
        "| Control | Title | Applicable | Justification | Implementation |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| [{row.control_id}](#{row.anchor}) | {_md(row.title)} | {'yes' if row.applicable else 'no'} | "
            f"{_md(row.reason)} | {row.implementation} |"
        )
    for row in rows:
        lines += ["", f'<a id="{row.anchor}"></a>', "", f"## {row.control_id} {row.title}", "", row.how, ""]
        lines += [f"- {_md(item)}" for item in row.evidence] or ["- no evidence: not applicable"]
    return "\n".join(lines) + "\n"


def render_html(rows: Sequence[SoaRow], *, generated: str) -> str:
    """soa.html: standalone (inline CSS, no scripts), autoescaped by Jinja2."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return environment.get_template("soa.html.j2").render(rows=rows, counts=_counts(rows), generated=generated)


def _prop(name: str, value: str) -> common.Property:
    return common.Property(name=name, value=" ".join(value.split()) or "-", ns=NAMESPACE)


def component_definition(rows: Sequence[SoaRow], *, version: str, when: dt.datetime) -> comp.ComponentDefinition:
    """The SoA as an OSCAL component definition: one implemented requirement per Annex A control."""
    requirements = []
    for row in rows:
        props = [
            _prop("original-control-id", row.control_id),
            _prop("applicability", "applicable" if row.applicable else "not-applicable"),
            _prop("implementation", row.implementation.replace(" ", "-")),
        ]
        props += [_prop("evidence", item) for item in row.evidence]
        requirements.append(
            comp.ImplementedRequirement(
                uuid=stable_uuid("soa-requirement", row.control_id),
                control_id=oscal_control_id(FRAMEWORK, row.control_id),
                description=f"{row.reason} {row.how}".strip(),
                props=props,
            )
        )
    implementation = comp.ControlImplementation(
        uuid=stable_uuid("soa-implementation", FRAMEWORK),
        source="https://github.com/trust-fabric/trust-fabric/blob/main/compliance/iso27001-2022-annex-a.yaml",
        description="ISO/IEC 27001:2022 Annex A: the Statement of Applicability of Trust Fabric's ISMS.",
        props=[_prop("framework", FRAMEWORK)],
        implemented_requirements=requirements,
    )
    component = comp.DefinedComponent(
        uuid=stable_uuid("component", "isms"),
        type="this-system",
        title="Trust Fabric ISMS",
        description="The information security management system of the Trust Fabric platform and its operators.",
        purpose="State, for every Annex A control, whether it applies, why, how it is implemented and its evidence.",
        control_implementations=[implementation],
    )
    return comp.ComponentDefinition(
        uuid=stable_uuid("soa-component-definition", version),
        metadata=common.Metadata(
            title="Trust Fabric Statement of Applicability (ISO/IEC 27001:2022)",
            last_modified=when,
            version=version,
            oscal_version=OSCAL_VERSION,
        ),
        components=[component],
    )


def write_soa(out: Path, catalog: Catalog, *, when: dt.datetime | None = None, version: str = "1") -> list[Path]:
    """Write soa.md, soa.html and soa-component-definition.json into `out` (created when absent); the OSCAL
    file is read back against the OSCAL 1.1.3 schema. Returns the paths written."""
    when = (when or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    rows = soa_rows(catalog)
    generated = when.isoformat().replace("+00:00", "Z")
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / name for name in FILES]
    paths[0].write_text(render_markdown(rows, generated=generated), encoding="utf-8")
    paths[1].write_text(render_html(rows, generated=generated), encoding="utf-8")
    write_oscal(component_definition(rows, version=version, when=when), paths[2])
    read_back(paths[2])
    return paths


__all__ = ["FILES", "SoaRow", "component_definition", "render_html", "render_markdown", "soa_rows", "write_soa"]
