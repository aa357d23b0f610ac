"""`incident postmortem`: the blameless template rendered from a timeline, durations and clocks filled in."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import record, write_record

ID = "INC-2026-03-02-001"
REPO_ROOT = Path(__file__).resolve().parents[3]
# The sections of the blameless template as it was before it became a Jinja2 template: all of them stay.
SECTIONS = [
    "Summary",
    "Timeline (UTC)",
    "Detection",
    "Root cause and contributing factors",
    "Notifications",
    "What went well / what went badly",
    "Controls affected",
    "Actions",
    "Verification",
    "Sign-off",
]


def sev1_with_a_uk_breach() -> dict:
    """Impact 09:10:30; detected 09:12:00 (1m 30s); acknowledged 09:15:00 (3m); mitigated 09:31:00 (19m);
    resolved 09:40:00 (28m); aware of the breach 10:00, ICO notified the next day (met), EU not notified."""
    return record(
        jurisdictions=["UK", "EU"],
        personal_data=True,
        people_affected=40,
        impact_started_at="2026-03-02T09:10:30Z",
        timeline=[
            {"at": "2026-03-02T09:12:00Z", "event": "detected", "note": "LedgerFreshness | page", "by": "pagerduty"},
            {"at": "2026-03-02T09:15:00Z", "event": "acknowledged", "by": "on-call platform"},
            {"at": "2026-03-02T09:31:00Z", "event": "mitigated", "note": "writers paused"},
            {"at": "2026-03-02T09:40:00Z", "event": "resolved"},
            {"at": "2026-03-02T10:00:00Z", "event": "breach-aware", "by": "DPO"},
            {"at": "2026-03-03T10:00:00Z", "event": "notified-authority:ICO", "note": "ref 42", "by": "DPO"},
        ],
    )


def section(markdown: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", markdown, re.S | re.M)
    assert match, heading
    return match.group(1)


def test_the_postmortem_is_prefilled_from_the_timeline(run, tmp_path: Path) -> None:
    write_record(tmp_path, sev1_with_a_uk_breach())

    result = run("postmortem", ID, "--dir", tmp_path, "--now", "2026-03-06T00:00:00Z")

    assert result.exit_code == 0, result.output
    markdown = result.stdout
    assert markdown.startswith("# Post-mortem: Ledger writes failing in the UK cell\n\n")
    assert re.findall(r"^## (.+)$", markdown, re.M) == SECTIONS
    assert "{{" not in markdown and "{%" not in markdown

    detection = section(markdown, "Detection")
    assert "| Time to detect | impact start | detected | 1m 30s | < 2m | met |" in detection
    assert "| Time to acknowledge | detected | acknowledged | 3m | < 5m | met |" in detection
    assert "| Time to mitigate | detected | mitigated | 19m | - | - |" in detection
    assert "| Time to resolve | detected | resolved | 28m | < 30m | met |" in detection

    timeline = section(markdown, "Timeline (UTC)")
    assert "| 2026-03-02T09:12:00Z | detected: LedgerFreshness \\| page | pagerduty |" in timeline
    assert "| 2026-03-03T10:00:00Z | notified-authority:ICO: ref 42 | DPO |" in timeline
    assert len(re.findall(r"^\| 2026-", timeline, re.M)) == 6

    summary = section(markdown, "Summary")
    assert "**Incident:** INC-2026-03-02-001, Sev1, service `ledger`, cells affected: UK, EU" in summary
    assert (
        "**Duration:** impact started 2026-03-02T09:10:30Z, detected 2026-03-02T09:12:00Z, acknowledged "
        "2026-03-02T09:15:00Z, contained (mitigated) 2026-03-02T09:31:00Z, resolved 2026-03-02T09:40:00Z"
    ) in summary
    assert "yes: clocks started at 2026-03-02T10:00:00Z (breach-aware), approx. number of people: 40" in summary

    notifications = section(markdown, "Notifications")
    assert "Not met in time: EU-SA." in notifications
    assert "| lead supervisory authority | GDPR Art. 33(1) | 2026-03-05T10:00:00Z | - | overdue |" in notifications
    assert (
        "| Information Commissioner's Office | UK GDPR Art. 33(1) | 2026-03-05T10:00:00Z | 2026-03-03T10:00:00Z | met |"
    ) in notifications

    for heading in ("Root cause and contributing factors", "What went well / what went badly", "Verification"):
        assert "_to be written by the review_" in section(markdown, heading), heading


def test_missing_times_and_no_personal_data(run, tmp_path: Path) -> None:
    write_record(tmp_path, record(severity="sev2"))  # detected only, no impact start

    markdown = run("postmortem", ID, "--dir", tmp_path, "--now", "2026-03-06T00:00:00Z").stdout

    detection = section(markdown, "Detection")
    assert "| Time to detect | impact start | detected | not recorded | < 15m | not recorded |" in detection
    assert "| Time to resolve | detected | resolved | not recorded | < 1d 00h 00m | not recorded |" in detection
    assert "**Personal data breach:** no" in markdown
    assert "No breach-notification clock applies: the record does not involve personal data." in markdown


def test_out_writes_the_file_and_exercises_are_marked(run, tmp_path: Path) -> None:
    write_record(tmp_path, record(exercise=True))
    out = tmp_path / "pm.md"

    result = run("postmortem", ID, "--dir", tmp_path, "--out", out, "--now", "2026-03-06T00:00:00Z")

    assert (result.exit_code, result.stdout) == (0, f"wrote {out}\n")
    assert out.read_text().startswith("# Post-mortem: Ledger writes failing in the UK cell (EXERCISE)\n")


def test_a_template_that_does_not_render_is_bad_input_naming_it(run, tmp_path: Path) -> None:
    write_record(tmp_path, record())
    broken = tmp_path / "broken.md"
    broken.write_text("# {{ incident.title }}\n\n{{ no_such_value }}\n", encoding="utf-8")

    result = run("postmortem", ID, "--dir", tmp_path, "--template", broken)
    assert (result.exit_code, result.stderr) == (2, f"error: --template: {broken}: 'no_such_value' is undefined\n")

    broken.write_text("# {% for x in %}\n", encoding="utf-8")
    result = run("postmortem", ID, "--dir", tmp_path, "--template", broken)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --template: {broken}:1: ")

    missing = tmp_path / "missing.md"
    result = run("postmortem", ID, "--dir", tmp_path, "--template", missing)
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: --template: {missing}: cannot read: No such file or directory\n",
    )


def test_the_runbook_template_keeps_its_sections_for_readers_of_the_raw_file() -> None:
    raw = (REPO_ROOT / "runbooks" / "postmortem-template.md").read_text()
    assert re.findall(r"^## (.+)$", raw, re.M) == SECTIONS
