"""`drill report --quarter`: the quarter's drills per jurisdiction, judged against the tiers' objectives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from trustfabric.cli import app as main_app
from trustfabric.drills.quarterly import build_quarterly, parse_quarter
from trustfabric.evidence.matrix import load_drill_reports

runner = CliRunner()
AWS = "AWS default endpoints"
RESTORE = {
    "tiers": {
        "tier0": {"rpo_seconds": 120.0, "rto_seconds": 3600.0},
        "records": {"rpo_seconds": 3600.0, "rto_seconds": 1800.0},
    },
    "records_lost": 0,
    "rows_lost": 0,
    "rows_changed": 0,
    "rows_unexpected": 0,
    "tables_missing": [],
}
PITR = {**RESTORE, "tiers": {"tier0": {"rpo_seconds": 0.4, "rto_seconds": 2400.0}}, "acknowledged_missing": 0}
FAILOVER = {
    "rto_seconds": {"tier0": {"rto_seconds": 600.0}, "records": {"rto_seconds": 700.0}},
    "data_loss": {"acknowledged_missing": 0, "rpo_seconds": 0.0, "zero_loss_required": True},
}
MEASUREMENTS = {"restore": RESTORE, "pitr": PITR, "failover": FAILOVER, "failback": FAILOVER}


def write(folder: Path, drill: str, code: str, started: str = "2026-11-02T09:00:00.000+00:00", *,
          endpoint: str = AWS, passed: bool = True, **changes: Any) -> Path:  # fmt: skip
    measurements = json.loads(json.dumps(MEASUREMENTS[drill]))
    measurements.update(changes)
    path = folder / f"{drill}-{code}-{started[:19].replace(':', '')}.json"
    path.write_text(json.dumps({
        "drill": drill, "jurisdiction": code, "endpoint_url": endpoint, "started_at": started,
        "passed": passed, "result": "passed" if passed else "failed", "verdict": "as written",
        "measurements": measurements,
    }))  # fmt: skip
    return path


@pytest.fixture
def complete(tmp_path: Path) -> Path:
    for code in ("UK", "EU", "US", "CA"):
        for drill in MEASUREMENTS:
            write(tmp_path, drill, code)
    return tmp_path


def test_a_complete_quarter_passes_and_is_what_the_evidence_package_reads(complete: Path, tmp_path: Path) -> None:
    report = build_quarterly(parse_quarter("2026Q4"), complete)
    json_path, markdown_path = report.write(tmp_path / "out")

    assert report.exit_code == 0 and report.not_passed == []
    uk = report.results["UK"]
    assert uk["failover"]["tiers"]["tier0"]["rpo"] == {
        "measured_seconds": 0.0,
        "target_seconds": 60,
        "met": True,
    }
    assert uk["restore"]["tiers"]["records"]["rto"] == {
        "measured_seconds": 1800.0,
        "target_seconds": 14400,
        "met": True,
    }
    (record,) = load_drill_reports(json_path.parent)
    assert (record.name, record.status) == ("quarterly", "pass")
    assert "| UK | pitr | PASS | 1 (0, 0) | 2026-11-02T09:00:00+00:00 |" in markdown_path.read_text()


def test_missing_failed_incomplete_and_late_drills_never_pass(complete: Path) -> None:
    write(
        complete,
        "restore",
        "UK",
        "2026-11-03T09:00:00+00:00",
        tiers={"tier0": {"rpo_seconds": 400, "rto_seconds": 60}},
    )
    write(complete, "failover", "EU", "2026-11-03T09:00:00+00:00", data_loss=None)
    write(complete, "pitr", "US", "2026-11-03T09:00:00+00:00", acknowledged_missing=2)
    write(complete, "restore", "CA", "2026-11-03T09:00:00+00:00", rows_lost=None)
    for path in complete.glob("failback-CA-*.json"):
        path.unlink()

    report = build_quarterly(parse_quarter("2026Q4"), complete)

    assert report.exit_code == 1
    assert report.not_passed == [
        "UK restore: fail", "EU failover: incomplete", "US pitr: fail", "CA restore: incomplete", "CA failback: missing",
    ]  # fmt: skip
    assert report.results["UK"]["restore"]["reasons"] == ["tier0 RPO 400s exceeds 300s"]
    assert report.results["UK"]["restore"]["runs"] == 2
    assert report.results["EU"]["failover"]["reasons"] == [
        "tier0 data loss (acknowledged transactions missing) not measured"
    ]
    assert report.results["US"]["pitr"]["reasons"] == ["2 acknowledged transaction(s) before the target missing"]
    assert report.results["CA"]["restore"]["reasons"] == ["tier0 ledger rows not verified (row-level checksums)"]
    assert report.results["CA"]["failback"]["reasons"] == ["no failback drill report in 2026Q4"]


def test_the_newest_run_decides_and_a_failed_flag_fails_even_with_good_figures(complete: Path) -> None:
    failed = write(complete, "failover", "UK", "2026-12-01T00:00:00+00:00", passed=False)
    write(complete, "failback", "UK", "2026-12-01T00:00:00+00:00", passed=False)
    write(complete, "failback", "UK", "2026-12-02T00:00:00+00:00")

    report = build_quarterly(parse_quarter("2026Q4"), complete)

    assert report.results["UK"]["failover"]["status"] == "fail"
    assert report.results["UK"]["failover"]["reasons"] == ["the drill failed: as written"]
    assert report.results["UK"]["failover"]["failed_runs"] == [failed.name]
    assert report.results["UK"]["failback"]["status"] == "pass"
    assert len(report.results["UK"]["failback"]["failed_runs"]) == 1


def test_stand_in_runs_and_other_quarters_are_not_evidence(tmp_path: Path) -> None:
    write(tmp_path, "pitr", "UK", endpoint="postgresql://postgres@127.0.0.1:5/postgres (local scratch server)")
    write(tmp_path, "restore", "UK", "2026-09-30T23:59:59+00:00")
    write(tmp_path, "restore", "UK", "2027-01-01T00:00:00+00:00")

    strict = build_quarterly(parse_quarter("2026q4"), tmp_path)
    practice = build_quarterly(parse_quarter("2026Q4"), tmp_path, include_stand_ins=True)

    assert strict.results["UK"]["pitr"]["status"] == "missing"
    assert strict.results["UK"]["pitr"]["reasons"] == ["no pitr drill report in 2026Q4; 1 stand-in run(s) not counted"]
    assert strict.results["UK"]["restore"]["status"] == "missing"
    assert practice.results["UK"]["pitr"]["status"] == "pass"
    assert practice.as_dict()["stand_ins_counted"] is True


@pytest.fixture
def app() -> typer.Typer:
    return main_app


def test_the_command_exits_0_when_complete_and_1_when_not(app: typer.Typer, complete: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    passed = runner.invoke(
        app, ["drill", "report", "--quarter", "2026Q4", "--reports", str(complete), "--out", str(out)]
    )
    assert passed.exit_code == 0
    assert passed.stdout == (
        f"quarterly 2026Q4: PASSED\nreport: {out / 'quarterly-2026Q4.json'}\nreport: {out / 'quarterly-2026Q4.md'}\n"
    )
    failed = runner.invoke(
        app, ["drill", "report", "--quarter", "2027Q1", "--reports", str(complete), "--out", str(out)]
    )
    assert failed.exit_code == 1
    assert failed.stdout.splitlines()[0] == "not passed: UK restore: missing"
    assert json.loads((out / "quarterly-2027Q1.json").read_text())["result"] == "failed"


@pytest.mark.parametrize("quarter", ["2026Q5", "Q4 2026", "2026-Q4", ""])
def test_a_bad_quarter_is_exit_2_in_one_line(app: typer.Typer, tmp_path: Path, quarter: str) -> None:
    result = runner.invoke(app, ["drill", "report", "--quarter", quarter, "--reports", str(tmp_path)])

    assert (result.exit_code, result.stderr) == (
        2, f"error: --quarter: {quarter!r} is not a quarter; expected YYYYQn with n 1-4, e.g. 2026Q4\n"
    )  # fmt: skip
