"""Compliance documents: present, consistent with residency.py, and saying what the catalog relies on."""

from __future__ import annotations

import re
from pathlib import Path

from domain.residency import JURISDICTIONS
from tests.trustfabric.helpers import pack_policies
from trustfabric.evidence.controls import link_problem, load_catalog
from trustfabric.evidence.docs import BEGIN, END, RETENTION_DOC, render_retention_section, retention_table

DOCUMENTS = (
    "information-security-policy.md",
    "access-control.md",
    "encryption-and-key-management.md",
    "data-retention-and-deletion.md",
    "backup-and-dr.md",
    "incident-response.md",
    "change-management.md",
    "vendor-risk.md",
)


def _section(text: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, heading
    return match.group(1)


def test_every_document_exists_and_is_linked_from_the_catalog(repo_root: Path) -> None:
    linked = {
        link.partition("#")[0]
        for control in load_catalog(policies=pack_policies()).controls
        for link in (*control.documents, control.procedure)
        if link
    }
    for name in DOCUMENTS:
        assert (repo_root / "docs" / "compliance" / name).is_file()
        assert f"docs/compliance/{name}" in linked, name
    assert {"runbooks/postmortem-template.md", "runbooks/tabletop-exercise.md"} <= linked


def test_relative_links_between_documents_resolve(repo_root: Path) -> None:
    for name in DOCUMENTS:
        text = (repo_root / "docs" / "compliance" / name).read_text()
        for target in re.findall(r"\]\(([^)#:]+\.md)(#[^)]*)?\)", text):
            link = f"docs/compliance/{target[0]}{target[1]}"
            assert link_problem(link, repo_root) is None, f"{name}: {link_problem(link, repo_root)}"


def test_retention_table_is_generated_from_residency() -> None:
    text = RETENTION_DOC.read_text()
    assert render_retention_section(text) == text, "stale: run python -m trustfabric.evidence.docs"
    block = text.split(BEGIN, 1)[1].split(END, 1)[0]
    assert block.strip() == retention_table()


def test_retention_numbers_match_residency() -> None:
    rows = {}
    for line in RETENTION_DOC.read_text().splitlines():
        match = re.match(r"^\| (\w\w) \(.*?\) \| .*? \| (\d+) years \| (\d+) \| (.*?) \|", line)
        if match:
            rows[match.group(1)] = (int(match.group(2)), int(match.group(3)), match.group(4))
    assert rows == {
        code: (j.retention_years, j.retention_days, j.retention_source) for code, j in JURISDICTIONS.items()
    }
    assert rows["UK"][:2] == (6, 2192) and rows["EU"][:2] == (10, 3653)


def test_erasure_workflow_reconciles_with_statutory_retention() -> None:
    section = _section(RETENTION_DOC.read_text(), "Right-to-erasure workflow")
    assert "Art.17(3)(b)" in section
    assert "restricted (Art.18)" in section
    assert "legal hold" in section


def test_backup_objectives_per_tier(repo_root: Path) -> None:
    text = (repo_root / "docs" / "compliance" / "backup-and-dr.md").read_text()
    # restore RPO | restore RTO | failover RPO | failover RTO
    assert re.search(r"^\| tier0 \| .* \| 5 min \| 4 h \| 1 min \| 15 min \|$", text, re.M)
    assert re.search(r"^\| records \| .* \| 24 h \| 4 h \| 15 min \| 1 h \|$", text, re.M)


def test_incident_response_severities_and_clocks(repo_root: Path) -> None:
    text = (repo_root / "docs" / "compliance" / "incident-response.md").read_text()
    for severity in ("Sev1", "Sev2", "Sev3"):
        assert re.search(rf"^\| {severity} \|", text, re.M)
    clocks = _section(text, "Breach notification clocks")
    assert re.search(r"^\| EU \(GDPR Art\.33\) \| lead supervisory authority \| .*within 72 hours", clocks, re.M)
    assert re.search(r"^\| UK \(UK GDPR, ICO\) \| .* \| within 72 hours", clocks, re.M)
    assert re.search(r"^\| CA \(PIPEDA s\.10\.1\) \| .* \| as soon as feasible", clocks, re.M)
    assert re.search(r"^\| US \(state breach laws\) \|", clocks, re.M)
    for role in ("Incident commander", "Technical lead", "Communications lead", "Data Protection Officer"):
        assert f"| {role} |" in text


def test_runbooks_follow_the_runbook_shape(repo_root: Path) -> None:
    tabletop = (repo_root / "runbooks" / "tabletop-exercise.md").read_text()
    for heading in ("Trigger", "Impact", "Diagnosis", "Steps", "Verification", "Rollback"):
        assert re.search(rf"^## {heading}", tabletop, re.M), heading
    postmortem = (repo_root / "runbooks" / "postmortem-template.md").read_text()
    for heading in ("Timeline (UTC)", "Root cause and contributing factors", "Notifications", "Actions"):
        assert f"## {heading}" in postmortem
