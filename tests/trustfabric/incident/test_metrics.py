"""`incident metrics`: MTTD, MTTA, MTTR per severity over a folder of records, against the targets.

Every expected number below is worked out by hand from the timestamps written here, not by the code under test.
"""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import record, write_record

REPO_ROOT = Path(__file__).resolve().parents[3]


def incident(
    incident_id: str,
    severity: str,
    started: str | None,
    *steps: tuple[str, str],
    exercise: bool = False,
) -> dict:
    data = record(
        id=incident_id,
        severity=severity,
        impact_started_at=started,
        timeline=[{"at": at, "event": event} for event, at in steps],
    )
    if exercise:
        data["exercise"] = True
    return data


def lifecycle(detected: str, acknowledged: str, mitigated: str, resolved: str) -> tuple[tuple[str, str], ...]:
    return (
        ("detected", detected),
        ("acknowledged", acknowledged),
        ("mitigated", mitigated),
        ("resolved", resolved),
    )


# sev1, January: detect 60 s, acknowledge 120 s, resolve 1200 s (20 min)
A = incident(
    "INC-2026-01-10-001",
    "sev1",
    "2026-01-10T10:00:00Z",
    *lifecycle("2026-01-10T10:01:00Z", "2026-01-10T10:03:00Z", "2026-01-10T10:15:00Z", "2026-01-10T10:21:00Z"),
)
# sev1, January: detect 90 s, acknowledge 240 s, resolve 1800 s (exactly the 30 min target: over target itself)
B = incident(
    "INC-2026-01-20-001",
    "sev1",
    "2026-01-20T12:00:00Z",
    *lifecycle("2026-01-20T12:01:30Z", "2026-01-20T12:05:30Z", "2026-01-20T12:20:00Z", "2026-01-20T12:31:30Z"),
)
# sev1, February: detect 300 s, acknowledge 60 s, resolve 3600 s
C = incident(
    "INC-2026-02-05-001",
    "sev1",
    "2026-02-05T00:00:00Z",
    *lifecycle("2026-02-05T00:05:00Z", "2026-02-05T00:06:00Z", "2026-02-05T00:30:00Z", "2026-02-05T01:05:00Z"),
)
# sev2, January: detect 600 s, acknowledge 1800 s, resolve 7200 s
D = incident(
    "INC-2026-01-15-001",
    "sev2",
    "2026-01-15T08:50:00Z",
    *lifecycle("2026-01-15T09:00:00Z", "2026-01-15T09:30:00Z", "2026-01-15T10:00:00Z", "2026-01-15T11:00:00Z"),
)
# a sev1 exercise in January, far over every target: never counted
E = incident(
    "INC-2026-01-25-001",
    "sev1",
    "2026-01-25T00:00:00Z",
    *lifecycle("2026-01-25T01:00:00Z", "2026-01-25T02:00:00Z", "2026-01-25T03:00:00Z", "2026-01-25T09:00:00Z"),
    exercise=True,
)


def metrics(run, folder: Path, *args: str) -> tuple[int, dict]:
    result = run("metrics", "--dir", folder, "--format", "json", *args)
    assert result.stderr == ""
    return result.exit_code, json.loads(result.stdout)


def test_january_sev1_meets_its_targets_and_the_means_are_exact(run, tmp_path: Path) -> None:
    for data in (A, B, C, D, E):
        write_record(tmp_path, data)

    code, report = metrics(run, tmp_path, "--since", "2026-01-01", "--until", "2026-01-31")

    assert code == 0
    assert report["period"] == {"since": "2026-01-01", "until": "2026-01-31", "by": "detected"}
    assert (report["incidents"], report["exercises_excluded"], report["verdict"]) == (3, 1, "met")
    sev1 = report["severities"]["sev1"]
    assert sev1["incidents"] == ["INC-2026-01-10-001", "INC-2026-01-20-001"]
    mttd, mtta, mttr = (sev1["metrics"][name] for name in ("mttd", "mtta", "mttr"))
    assert (mttd["mean_seconds"], mttd["max_seconds"], mttd["target_seconds"], mttd["verdict"]) == (
        75.0,
        90,
        120,
        "met",
    )
    assert (mtta["mean_seconds"], mtta["max_seconds"], mtta["target_seconds"], mtta["verdict"]) == (
        180.0,
        240,
        300,
        "met",
    )
    assert (mttr["mean_seconds"], mttr["max_seconds"], mttr["target_seconds"], mttr["verdict"]) == (
        1500.0,
        1800,
        1800,
        "met",
    )
    assert mttr["samples"] == {"INC-2026-01-10-001": 1200, "INC-2026-01-20-001": 1800}
    assert mttr["over_target"] == ["INC-2026-01-20-001"]
    sev2 = report["severities"]["sev2"]["metrics"]
    assert [sev2[name]["mean_seconds"] for name in ("mttd", "mtta", "mttr")] == [600.0, 1800.0, 7200.0]
    assert [sev2[name]["verdict"] for name in ("mttd", "mtta", "mttr")] == ["met", "met", "met"]
    assert report["severities"]["sev3"]["metrics"]["mttr"]["verdict"] == "no data"


def test_the_whole_quarter_misses_the_sev1_targets(run, tmp_path: Path) -> None:
    for data in (A, B, C, D, E):
        write_record(tmp_path, data)

    code, report = metrics(run, tmp_path)

    assert code == 1
    sev1 = report["severities"]["sev1"]["metrics"]
    # MTTD (60 + 90 + 300) / 3 = 150 s >= 120 s; MTTA (120 + 240 + 60) / 3 = 140 s < 300 s;
    # MTTR (1200 + 1800 + 3600) / 3 = 2200 s >= 1800 s
    assert [sev1[name]["mean_seconds"] for name in ("mttd", "mtta", "mttr")] == [150.0, 140.0, 2200.0]
    assert [sev1[name]["verdict"] for name in ("mttd", "mtta", "mttr")] == ["missed", "met", "missed"]
    assert report["verdict"] == "missed"

    text = run("metrics", "--dir", tmp_path)
    assert text.exit_code == 1
    lines = text.stdout.splitlines()
    assert lines[0] == "incidents detected from the first record through the last record: 4 (1 exercises not counted)"
    assert lines[3].split() == ["sev1", "MTTD", "3", "2m", "30s", "5m", "<", "2m", "missed"]
    assert lines[5].split() == ["sev1", "MTTR", "3", "36m", "40s", "1h", "00m", "<", "30m", "missed"]
    assert lines[-1] == "FAILED: sev1 targets missed"


def test_a_missed_sev2_target_is_reported_but_does_not_fail(run, tmp_path: Path) -> None:
    # sev2 resolved after 25 hours (target 24 h)
    slow = incident(
        "INC-2026-01-15-001",
        "sev2",
        "2026-01-15T08:50:00Z",
        *lifecycle("2026-01-15T09:00:00Z", "2026-01-15T09:10:00Z", "2026-01-15T12:00:00Z", "2026-01-16T10:00:00Z"),
    )
    write_record(tmp_path, slow)

    code, report = metrics(run, tmp_path)

    assert code == 0
    assert report["severities"]["sev2"]["metrics"]["mttr"]["verdict"] == "missed"
    assert report["severities"]["sev2"]["metrics"]["mttr"]["mean_seconds"] == 25 * 3600


def test_open_incidents_are_pending_and_an_unknown_impact_start_is_incomplete(run, tmp_path: Path) -> None:
    write_record(tmp_path, A)
    # open sev1, acknowledged after 30 s, impact start not known yet
    write_record(
        tmp_path,
        incident(
            "INC-2026-01-11-001",
            "sev1",
            None,
            ("detected", "2026-01-11T10:00:00Z"),
            ("acknowledged", "2026-01-11T10:00:30Z"),
        ),
    )

    code, report = metrics(run, tmp_path)

    assert code == 0
    sev1 = report["severities"]["sev1"]["metrics"]
    assert (sev1["mttd"]["pending"], sev1["mttd"]["count"], sev1["mttd"]["verdict"]) == (
        ["INC-2026-01-11-001"],
        1,
        "met",
    )
    assert sev1["mtta"]["mean_seconds"] == 75.0  # (120 + 30) / 2
    assert (sev1["mttr"]["pending"], sev1["mttr"]["count"]) == (["INC-2026-01-11-001"], 1)

    # resolved without ever recording when the impact started: MTTD cannot be shown to be met
    write_record(
        tmp_path,
        incident(
            "INC-2026-01-11-001",
            "sev1",
            None,
            *lifecycle("2026-01-11T10:00:00Z", "2026-01-11T10:00:30Z", "2026-01-11T10:05:00Z", "2026-01-11T10:10:00Z"),
        ),
    )
    code, report = metrics(run, tmp_path)
    assert code == 1
    mttd = report["severities"]["sev1"]["metrics"]["mttd"]
    assert (mttd["missing"], mttd["mean_seconds"], mttd["verdict"]) == (["INC-2026-01-11-001"], 60.0, "incomplete")


def test_an_empty_period_has_no_data_and_passes(run, tmp_path: Path) -> None:
    write_record(tmp_path, C)

    code, report = metrics(run, tmp_path, "--until", "2026-01-31")

    assert (code, report["incidents"], report["severities"]["sev1"]["metrics"]["mttd"]["verdict"]) == (0, 0, "no data")


def test_bad_period_options(run, tmp_path: Path) -> None:
    cases = {
        ("--since", "January"): "error: --since: 'January' is not a date YYYY-MM-DD\n",
        (
            "--since",
            "2026-02-01",
            "--until",
            "2026-01-01",
        ): "error: --since: 2026-02-01 is after --until (2026-01-01)\n",
        ("--format", "xml"): "error: --format: 'xml' is not allowed; allowed: text, json\n",
    }
    for args, message in cases.items():
        result = run("metrics", "--dir", tmp_path, *args)
        assert (result.exit_code, result.stderr) == (2, message)


def test_the_repository_holds_no_invented_incidents(run) -> None:
    folder = REPO_ROOT / "incidents"
    code, report = metrics(run, folder)
    assert (code, report["incidents"]) == (0, 0)


def test_the_documented_targets_are_the_code() -> None:
    import datetime as dt

    from trustfabric.incident.targets import TARGETS

    def spoken(value: dt.timedelta) -> str:
        seconds = int(value.total_seconds())
        if seconds % 86400 == 0 and seconds >= 2 * 86400:
            return f"under {seconds // 86400} days"
        if seconds % 3600 == 0:
            return f"under {seconds // 3600} h"
        return f"under {seconds // 60} min"

    text = (REPO_ROOT / "docs" / "incidents.md").read_text()
    for severity, targets in TARGETS.items():
        row = f"| {severity} | {spoken(targets.detect)} | {spoken(targets.acknowledge)} | {spoken(targets.resolve)} |"
        assert row in text, row
