"""`incident status`: the breach-notification clocks, on fixed clocks (`--now`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trustfabric.errors import TrustFabricError
from trustfabric.incident.clocks import CLOCKS_FILE, clock_rules, rules_from_data
from trustfabric.incident.documents import read_document
from trustfabric.incident.record import US_STATES

from .conftest import events, record, write_record

ID = "INC-2026-03-02-001"
US_ROWS = {
    "FTC",
    "US-AL",
    "US-AZ",
    "US-CO",
    "US-CO-AG",
    "US-CT",
    "US-DE",
    "US-FL",
    "US-FL-AG",
    "US-ME",
    "US-OH",
    "US-TX",
    "US-TX-AG",
    "US-VT",
    "US-WA",
    "US-WA-AG",
    "US-WI",
}


def status_json(run, folder: Path, now: str) -> tuple[int, dict]:
    result = run("status", ID, "--dir", folder, "--now", now, "--format", "json")
    assert result.stderr == ""
    return result.exit_code, json.loads(result.stdout)


def clocks_by_id(data: dict) -> dict[str, dict]:
    return {clock["id"]: clock for clock in data["clocks"]}


def eu_breach(*extra: tuple[str, str]) -> dict:
    """EU personal data breach: detected 08:00, aware of the breach at 10:00 on 2 March 2026."""
    timeline = events(("2026-03-02T08:00:00Z", "detected"), ("2026-03-02T10:00:00Z", "breach-aware"), *extra)
    return record(jurisdictions=["EU"], personal_data=True, timeline=timeline)


def test_gdpr_72_hours_from_awareness_overdue(run, tmp_path: Path) -> None:
    write_record(tmp_path, eu_breach())

    code, data = status_json(run, tmp_path, "2026-03-05T12:30:00Z")

    assert code == 1
    assert data["clocks_start"] == "2026-03-02T10:00:00Z"
    assert [clock["id"] for clock in data["clocks"]] == ["EU-SA"]
    clock = data["clocks"][0]
    assert clock["law"] == "GDPR Art. 33(1)"
    assert clock["deadline"] == "2026-03-05T10:00:00Z"  # 72 h after awareness, not after detection
    assert clock["elapsed_seconds"] == (3 * 24 + 2) * 3600 + 30 * 60
    assert clock["remaining_seconds"] == -(2 * 3600 + 30 * 60)
    assert clock["state"] == "overdue"
    assert data["failed"] == ["EU-SA"]
    assert "Art. 33(1)" in clock["source"] and "72 hours" in clock["source"]


def test_gdpr_text_view_says_overdue_by_how_much(run, tmp_path: Path) -> None:
    write_record(tmp_path, eu_breach())

    result = run("status", ID, "--dir", tmp_path, "--now", "2026-03-05T12:30:00Z")

    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[3] == "clocks start at 2026-03-02T10:00:00Z (breach-aware)"
    assert lines[5].split() == ["CLOCK", "LAW", "NOTIFY", "DEADLINE", "ELAPSED", "REMAINING", "STATE"]
    assert lines[6].split("  ")[0] == "EU-SA"
    assert lines[6].endswith("2026-03-05T10:00:00Z  3d 02h 30m  -          overdue by 2h 30m")
    assert lines[-1] == "FAILED: not met in time: EU-SA"


def test_gdpr_met_in_time_stays_met_after_the_deadline(run, tmp_path: Path) -> None:
    write_record(tmp_path, eu_breach(("2026-03-05T10:00:00Z", "notified-authority:EU-SA")))  # at the deadline

    code, data = status_json(run, tmp_path, "2026-03-20T00:00:00Z")

    assert code == 0
    clock = clocks_by_id(data)["EU-SA"]
    assert (clock["state"], clock["notified_at"], clock["remaining_seconds"]) == ("met", "2026-03-05T10:00:00Z", None)
    assert clock["elapsed_seconds"] == 72 * 3600
    assert data["failed"] == []


def test_gdpr_open_before_the_deadline_and_late_after_it(run, tmp_path: Path) -> None:
    write_record(tmp_path, eu_breach())
    code, data = status_json(run, tmp_path, "2026-03-04T10:00:00Z")
    assert (code, clocks_by_id(data)["EU-SA"]["state"], clocks_by_id(data)["EU-SA"]["remaining_seconds"]) == (
        0,
        "open",
        24 * 3600,
    )

    write_record(tmp_path, eu_breach(("2026-03-05T10:00:01Z", "notified-authority:EU-SA")))
    code, data = status_json(run, tmp_path, "2026-03-06T00:00:00Z")
    assert (code, clocks_by_id(data)["EU-SA"]["state"]) == (1, "late")


def test_uk_and_eu_each_have_their_own_authority(run, tmp_path: Path) -> None:
    timeline = events(("2026-03-02T08:00:00Z", "detected"), ("2026-03-03T08:00:00Z", "notified-authority:ICO"))
    write_record(tmp_path, record(jurisdictions=["UK", "EU"], personal_data=True, timeline=timeline))

    code, data = status_json(run, tmp_path, "2026-03-05T09:00:00Z")

    assert code == 1
    states = {clock_id: clock["state"] for clock_id, clock in clocks_by_id(data).items()}
    assert states == {"ICO": "met", "EU-SA": "overdue"}  # without breach-aware the clocks start at detection
    assert clocks_by_id(data)["ICO"]["deadline"] == "2026-03-05T08:00:00Z"


def test_not_required_closes_a_clock_and_unmatched_notifications_are_shown(run, tmp_path: Path) -> None:
    write_record(
        tmp_path,
        eu_breach(("2026-03-02T12:00:00Z", "not-required:EU-SA"), ("2026-03-02T13:00:00Z", "notified-authority:DPC")),
    )

    code, data = status_json(run, tmp_path, "2026-03-09T00:00:00Z")

    assert code == 0
    assert clocks_by_id(data)["EU-SA"]["state"] == "not required"
    assert data["unmatched_notifications"] == ["notified-authority:DPC"]


def test_pipeda_is_due_now_with_no_fixed_hour(run, tmp_path: Path) -> None:
    write_record(tmp_path, record(jurisdictions=["CA"], personal_data=True))

    code, data = status_json(run, tmp_path, "2026-03-09T08:00:00Z")

    assert code == 0  # no deadline has passed: "as soon as feasible" is owed now, not overdue
    clock = clocks_by_id(data)["OPC"]
    assert (clock["state"], clock["deadline"], clock["remaining_seconds"]) == ("due now", None, None)
    assert clock["deadline_rule"] == "as soon as feasible"
    assert clock["elapsed_seconds"] == 7 * 24 * 3600
    assert clock["law"] == "PIPEDA s.10.1(1)"
    assert clock["condition"] == "the breach creates a real risk of significant harm to an individual"

    result = run("status", ID, "--dir", tmp_path, "--now", "2026-03-09T08:00:00Z")
    assert "as soon as feasible  7d 00h 00m  -          due now" in result.stdout

    write_record(
        tmp_path,
        record(
            jurisdictions=["CA"],
            personal_data=True,
            timeline=events(("2026-03-02T08:00:00Z", "detected"), ("2026-03-03T08:00:00Z", "notified-authority:OPC")),
        ),
    )
    code, data = status_json(run, tmp_path, "2026-03-09T08:00:00Z")
    assert (code, clocks_by_id(data)["OPC"]["state"]) == (0, "met")


def test_a_us_state_case_texas_residents_and_attorney_general(run, tmp_path: Path) -> None:
    # Determined 1 April; 300 Texans: the AG threshold (250) is reached, the FTC's (500) is not.
    timeline = events(("2026-04-01T00:00:00Z", "detected"), ("2026-04-20T00:00:00Z", "notified-subjects:US-TX"))
    write_record(
        tmp_path,
        record(jurisdictions=["US"], us_states=["TX"], people_affected=300, personal_data=True, timeline=timeline),
    )

    code, data = status_json(run, tmp_path, "2026-05-05T00:00:00Z")

    assert code == 1
    clocks = clocks_by_id(data)
    assert set(clocks) == {"US-TX", "US-TX-AG"}
    assert (clocks["US-TX"]["deadline"], clocks["US-TX"]["state"]) == ("2026-05-31T00:00:00Z", "met")  # 60 days
    assert (clocks["US-TX-AG"]["deadline"], clocks["US-TX-AG"]["state"]) == ("2026-05-01T00:00:00Z", "overdue")
    assert clocks["US-TX-AG"]["remaining_seconds"] == -4 * 24 * 3600
    assert clocks["US-TX"]["source"].startswith("Tex. Bus. & Com. Code s. 521.053(b)")


def test_us_thresholds_and_unknown_states(run, tmp_path: Path) -> None:
    write_record(tmp_path, record(jurisdictions=["US"], us_states=["TX"], people_affected=100, personal_data=True))
    assert set(clocks_by_id(status_json(run, tmp_path, "2026-03-03T00:00:00Z")[1])) == {"US-TX"}

    write_record(tmp_path, record(jurisdictions=["US"], personal_data=True))  # states and count not known yet
    code, data = status_json(run, tmp_path, "2026-03-03T00:00:00Z")
    assert (code, set(clocks_by_id(data))) == (0, US_ROWS)
    text = run("status", ID, "--dir", tmp_path, "--now", "2026-03-03T00:00:00Z").stdout
    assert "affected US states not recorded: every state of the table is shown; list them in us_states" in text

    write_record(tmp_path, record(jurisdictions=["US"], us_states=["NY", "TX"], personal_data=True))
    data = status_json(run, tmp_path, "2026-03-03T00:00:00Z")[1]
    assert set(clocks_by_id(data)) == {"FTC", "US-TX", "US-TX-AG"}
    assert data["us_states_without_clock"] == ["NY"]
    text = run("status", ID, "--dir", tmp_path, "--now", "2026-03-03T00:00:00Z").stdout
    assert "US states with no row in the clock table (check their statutes): NY" in text


def test_no_personal_data_no_clock(run, tmp_path: Path) -> None:
    write_record(tmp_path, record(jurisdictions=["UK", "EU", "US", "CA"]))

    result = run("status", ID, "--dir", tmp_path, "--now", "2026-06-01T00:00:00Z")

    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == (
        "no breach-notification clock applies: the record does not involve personal data"
    )


def test_now_before_detection_is_bad_input(run, tmp_path: Path) -> None:
    write_record(tmp_path, eu_breach())

    result = run("status", ID, "--dir", tmp_path, "--now", "2026-03-01T00:00:00Z")

    assert (result.exit_code, result.stderr) == (
        2,
        "error: --now: 2026-03-01T00:00:00Z is before the incident was detected (2026-03-02T08:00:00Z)\n",
    )


def test_every_clock_cites_its_source_and_the_us_table_is_by_state() -> None:
    rules = clock_rules()
    assert len({rule.id for rule in rules}) == len(rules)
    for rule in rules:
        assert rule.source and rule.law, rule.id
        if rule.us_state:
            assert rule.jurisdiction == "US" and rule.us_state in US_STATES
            assert rule.id.startswith(f"US-{rule.us_state}")
    fixed = {rule.id: rule.deadline_text for rule in rules}
    assert (fixed["EU-SA"], fixed["ICO"], fixed["OPC"], fixed["FTC"]) == (
        "72 hours",
        "72 hours",
        "as soon as feasible",
        "30 days",
    )


def test_the_clock_table_is_checked_against_its_schema() -> None:
    data = read_document(CLOCKS_FILE)
    first = data["clocks"][0]
    cases = {
        "clocks[0]: needs exactly one of deadline_hours, deadline_days, as_soon_as_feasible": [
            dict(first, deadline_days=3)
        ],
        "clocks[0].source: missing (required)": [{key: value for key, value in first.items() if key != "source"}],
        "clocks[0].via: 'email' is not one of authority, subjects": [dict(first, via="email")],
        "clocks: the id EU-SA is used twice": [first, first],
    }
    for message, rows in cases.items():
        with pytest.raises(TrustFabricError) as error:
            rules_from_data({"clocks": rows}, where="clocks.yaml")
        assert str(error.value) == f"clocks.yaml: {message}"


def test_the_documented_clock_table_is_the_data() -> None:
    text = (Path(__file__).resolve().parents[3] / "docs" / "incidents.md").read_text()
    section = text.split("## Breach-notification clocks", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 5 and cells[0] not in ("Clock", "State"):
            rows[cells[0]] = (cells[1], cells[2], cells[3])
    assert rows == {rule.id: (rule.law, rule.notify, rule.deadline_text) for rule in clock_rules()}
