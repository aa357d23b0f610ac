"""`incident open` and `incident log`: records created from the template, events kept in time and lifecycle order."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from trustfabric.incident.documents import validate_document

OPEN = (
    "open",
    "--severity",
    "sev1",
    "--service",
    "ledger",
    "--jurisdiction",
    "UK",
    "--jurisdiction",
    "eu",
    "--personal-data",
    "yes",
    "--title",
    "Ledger writes failing",
)


def test_open_writes_a_schema_valid_record_with_its_detection(run, tmp_path: Path) -> None:
    result = run(
        *OPEN,
        "--detected-at",
        "2026-12-04T10:12:00+01:00",
        "--started-at",
        "2026-12-04T09:10:30Z",
        "--note",
        "LedgerFreshnessErrorBudgetBurnPage",
        "--by",
        "pagerduty",
        "--dir",
        tmp_path,
    )

    assert result.exit_code == 0, result.output
    assert result.stdout == "INC-2026-12-04-001\n"
    path = tmp_path / "INC-2026-12-04-001.yaml"
    assert result.stderr == f"wrote {path}\n"
    data = yaml.safe_load(path.read_text())
    assert data == {
        "id": "INC-2026-12-04-001",
        "title": "Ledger writes failing",
        "severity": "sev1",
        "service": "ledger",
        "jurisdictions": ["UK", "EU"],
        "personal_data": True,
        "impact_started_at": "2026-12-04T09:10:30Z",
        "timeline": [
            {
                "at": "2026-12-04T09:12:00Z",
                "event": "detected",
                "note": "LedgerFreshnessErrorBudgetBurnPage",
                "by": "pagerduty",
            }
        ],
    }
    validate_document(data, "incident", where=str(path))


def test_ids_are_unique_per_day_in_the_folder_and_json_is_a_choice(run, tmp_path: Path) -> None:
    first = run(*OPEN, "--detected-at", "2026-12-04T09:00:00Z", "--dir", tmp_path)
    second = run(*OPEN, "--detected-at", "2026-12-04T23:59:59Z", "--dir", tmp_path, "--format", "json")
    next_day = run(*OPEN, "--detected-at", "2026-12-04T23:30:00-01:00", "--dir", tmp_path)

    assert [first.stdout, second.stdout, next_day.stdout] == [
        "INC-2026-12-04-001\n",
        "INC-2026-12-04-002\n",
        "INC-2026-12-05-001\n",
    ]
    assert json.loads((tmp_path / "INC-2026-12-04-002.json").read_text())["id"] == "INC-2026-12-04-002"


def test_open_with_us_states_and_an_exercise_flag(run, tmp_path: Path) -> None:
    result = run(
        "open",
        "--severity",
        "sev2",
        "--service",
        "filing",
        "-j",
        "US",
        "--personal-data",
        "no",
        "--title",
        "EXERCISE: region loss",
        "--us-state",
        "tx",
        "--us-state",
        "CO",
        "--exercise",
        "--detected-at",
        "2026-04-10T14:00:00Z",
        "--dir",
        tmp_path,
    )

    assert result.exit_code == 0, result.output
    data = yaml.safe_load((tmp_path / "INC-2026-04-10-001.yaml").read_text())
    assert (data["us_states"], data["exercise"], data["personal_data"]) == (["TX", "CO"], True, False)


def test_open_refuses_bad_input_in_one_line(run, tmp_path: Path) -> None:
    cases = {
        ("--severity", "sev0"): "error: --severity: 'sev0' is not one of sev1, sev2, sev3",
        ("--jurisdiction", "FR"): "error: --jurisdiction: unknown jurisdiction 'FR'; allowed: UK, EU, US, CA",
        ("--personal-data", "maybe"): "error: --personal-data: 'maybe' is not one of yes, no",
        ("--detected-at", "2026-12-04 09:12"): "error: --detected-at: '2026-12-04 09:12' is not an ISO 8601 "
        "timestamp with a UTC offset (e.g. 2026-12-04T09:12:00Z)",
        ("--detected-at", "2026-12-04T09:12:00"): "error: --detected-at: '2026-12-04T09:12:00' has no UTC offset; "
        "write it as e.g. 2026-12-04T09:12:00Z",
        ("--started-at", "2026-12-04T09:13:00Z"): "error: --started-at: 2026-12-04T09:13:00Z is after --detected-at "
        "(2026-12-04T09:12:00Z)",
        ("--us-state", "TX"): "error: --us-state: given, but US is not among the --jurisdiction values",
        ("--jurisdiction", "US", "--us-state", "XX"): "error: --us-state: 'XX' is not a USPS code of a US state or "
        "territory",
        ("--format", "toml"): "error: --format: 'toml' is not allowed; allowed: yaml, json",
        ("--title", " "): "error: --title: must not be empty",
    }
    for extra, message in cases.items():
        args = list(OPEN)
        for option, value in zip(extra[::2], extra[1::2], strict=True):
            if option in args:
                args[args.index(option) + 1] = value
            else:
                args += [option, value]
        if "--detected-at" not in args:
            args += ["--detected-at", "2026-12-04T09:12:00Z"]
        result = run(*args, "--dir", tmp_path)
        assert result.exit_code == 2, (extra, result.output)
        assert result.stderr.replace(f"{tmp_path}/", "") == message + "\n", extra
        assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def _open(run, folder: Path) -> Path:
    run(*OPEN, "--detected-at", "2026-12-04T09:12:00Z", "--dir", folder)
    return folder / "INC-2026-12-04-001.yaml"


def _timeline(path: Path) -> list[tuple[str, str]]:
    return [(entry["at"], entry["event"]) for entry in yaml.safe_load(path.read_text())["timeline"]]


def test_log_appends_timestamped_events_and_keeps_time_order(run, tmp_path: Path) -> None:
    path = _open(run, tmp_path)
    for event, at in [
        ("acknowledged", "2026-12-04T09:14:00Z"),
        ("breach-aware", "2026-12-04T10:00:00Z"),
        ("mitigated", "2026-12-04T09:40:00Z"),  # logged after the fact: takes its place in time
        ("notified-authority:ICO", "2026-12-05T16:00:00+01:00"),
    ]:
        result = run("log", "INC-2026-12-04-001", event, "--at", at, "--dir", tmp_path, "--note", f"n {event}")
        assert result.exit_code == 0, result.output
    assert result.stdout == "INC-2026-12-04-001: logged notified-authority:ICO at 2026-12-05T15:00:00Z\n"

    assert _timeline(path) == [
        ("2026-12-04T09:12:00Z", "detected"),
        ("2026-12-04T09:14:00Z", "acknowledged"),
        ("2026-12-04T09:40:00Z", "mitigated"),
        ("2026-12-04T10:00:00Z", "breach-aware"),
        ("2026-12-05T15:00:00Z", "notified-authority:ICO"),
    ]
    assert yaml.safe_load(path.read_text())["timeline"][2]["note"] == "n mitigated"


def test_log_refuses_what_breaks_the_lifecycle_or_the_clock(run, tmp_path: Path) -> None:
    path = _open(run, tmp_path)
    run("log", "INC-2026-12-04-001", "acknowledged", "--at", "2026-12-04T09:14:00Z", "--dir", tmp_path)
    run("log", "INC-2026-12-04-001", "mitigated", "--at", "2026-12-04T09:30:00Z", "--dir", tmp_path)
    before = path.read_text()
    where = f"error: {path}: cannot log"
    cases = [
        (
            ("resolved", "2026-12-04T09:20:00Z"),
            f"{where} 'resolved' at 2026-12-04T09:20:00Z: 'resolved' before 'mitigated'; the lifecycle is detected, "
            "acknowledged, mitigated, resolved",
        ),
        (
            ("resolved", "2026-12-04T09:00:00Z"),
            f"{where} 'resolved' at 2026-12-04T09:00:00Z: before 'detected' (2026-12-04T09:12:00Z); the timeline "
            "starts at detection (log the impact start as 'started')",
        ),
        (
            ("acknowledged", "2026-12-04T09:50:00Z"),
            f"{where} 'acknowledged' at 2026-12-04T09:50:00Z: 'acknowledged' is already logged at 2026-12-04T09:14:00Z",
        ),
        (
            ("detected", "2026-12-04T09:50:00Z"),
            f"{where} 'detected' at 2026-12-04T09:50:00Z: 'detected' is already logged at 2026-12-04T09:12:00Z",
        ),
        (
            ("fixed", "2026-12-04T09:50:00Z"),
            f"{where} 'fixed' at 2026-12-04T09:50:00Z: unknown event 'fixed'; allowed: detected, acknowledged, "
            "mitigated, resolved, breach-aware, notified-authority:<ID>, notified-subjects[:<ID>], not-required:<ID>, note",
        ),
        (
            ("started", "2026-12-04T09:13:00Z"),
            f"{where} 'started' at 2026-12-04T09:13:00Z: the impact cannot start after 'detected' (2026-12-04T09:12:00Z)",
        ),
    ]
    for (event, at), message in cases:
        result = run("log", "INC-2026-12-04-001", event, "--at", at, "--dir", tmp_path)
        assert (result.exit_code, result.stderr) == (2, message + "\n"), event
    result = run("log", "INC-2026-12-04-001", "note", "--at", "tomorrow", "--dir", tmp_path)
    assert result.stderr == (
        "error: --at: 'tomorrow' is not an ISO 8601 timestamp with a UTC offset (e.g. 2026-12-04T09:12:00Z)\n"
    )
    assert path.read_text() == before


def test_started_records_the_impact_start_and_breach_awareness_sets_personal_data(run, tmp_path: Path) -> None:
    run(
        "open",
        "--severity",
        "sev2",
        "--service",
        "api",
        "-j",
        "EU",
        "--personal-data",
        "no",
        "--title",
        "t",
        "--detected-at",
        "2026-12-04T09:12:00Z",
        "--dir",
        tmp_path,
    )
    path = tmp_path / "INC-2026-12-04-001.yaml"

    assert run("log", "INC-2026-12-04-001", "started", "--at", "2026-12-04T08:55:00Z", "--dir", tmp_path).exit_code == 0
    assert (
        run(
            "log",
            "INC-2026-12-04-001",
            "breach-aware",
            "--at",
            "2026-12-04T11:00:00Z",
            "--dir",
            tmp_path,
            "--note",
            "exfiltration confirmed",
        ).exit_code
        == 0
    )

    data = yaml.safe_load(path.read_text())
    assert data["impact_started_at"] == "2026-12-04T08:55:00Z"
    assert data["personal_data"] is True
    assert _timeline(path) == [("2026-12-04T09:12:00Z", "detected"), ("2026-12-04T11:00:00Z", "breach-aware")]
