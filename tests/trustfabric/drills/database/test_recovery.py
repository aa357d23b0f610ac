"""Local restore and point-in-time restore on a real PostgreSQL: every row and every acknowledged commit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from trustfabric.drills.database.checksums import LedgerChecksums
from trustfabric.drills.database.recovery import RecoveryOptions, run_local_recovery
from trustfabric.drills.database.server import Server, Workspace


def quiet(_line: str) -> None:
    pass


def status_of(report: Any, step: str) -> str:
    return str(next(entry.status for entry in report.steps if entry.name == step))


def test_restore_from_a_base_backup_verifies_every_row(workspace: Workspace, primary: Server, tmp_path: Path) -> None:
    outcome = run_local_recovery(
        "UK", RecoveryOptions(kind="restore", entries=60), reports_dir=tmp_path,
        echo=quiet, workspace=workspace, primary=primary,
    )  # fmt: skip
    report = outcome.report

    assert outcome.exit_code == 0, report.verdict
    assert report.drill == "restore" and report.jurisdiction == "UK"
    measured = report.measurements
    assert (measured["rows_lost"], measured["rows_changed"], measured["rows_unexpected"]) == (0, 0, 0)
    assert measured["rows"]["tables"]["journal_lines"]["expected_rows"] == 180
    tier = measured["tiers"]["tier0"]
    assert tier["rpo_target_seconds"] == 300 and tier["rto_target_seconds"] == 14400
    assert tier["rpo_met"] and tier["rto_met"] and 0 <= tier["rpo_seconds"] < 300
    assert measured["environment"] == "local"
    seed_file = next(tmp_path.glob("restore-UK-*-seed-checksums.json"))
    assert LedgerChecksums.read(seed_file).tables["journal_entries"].rows == 60
    assert json.loads(outcome.json_path.read_text())["result"] == "passed"
    assert "| journal_lines | match | 180 | 180 | 0 | 0 | 0 | - |" in outcome.markdown_path.read_text()


def test_pitr_recovers_every_acknowledged_commit_before_the_target_and_none_after(
    workspace: Workspace, primary: Server, tmp_path: Path
) -> None:
    options = RecoveryOptions(kind="pitr", entries=40, stream_before=25, stream_after=5)
    outcome = run_local_recovery("UK", options, reports_dir=tmp_path, echo=quiet, workspace=workspace, primary=primary)
    measured = outcome.report.measurements

    assert outcome.exit_code == 0, outcome.report.verdict
    commits = measured["commits"]
    assert measured["acknowledged_missing"] == 0 and commits["missing"] == []
    assert commits["acknowledged"] >= 25
    assert commits["present"] >= commits["acknowledged"]
    assert commits["beyond_target"] == []
    assert commits["sent"] >= commits["present"] + 5  # the commits after the target were not recovered
    assert measured["rows_lost"] == 0 and measured["rows_unexpected"] == 0
    assert measured["tiers"]["tier0"]["rpo_seconds"] == commits["recovered_gap_seconds"] < 300
    assert measured["recovery_target_time"] == commits["reference"]


def test_pitr_with_injected_loss_reports_exactly_those_rows_and_fails(
    workspace: Workspace, primary: Server, tmp_path: Path
) -> None:
    options = RecoveryOptions(kind="pitr", entries=40, stream_before=10, stream_after=2, inject_loss=4)
    outcome = run_local_recovery("UK", options, reports_dir=tmp_path, echo=quiet, workspace=workspace, primary=primary)
    report = outcome.report

    assert outcome.exit_code == 1
    assert report.measurements["rows_lost"] == 4
    assert report.measurements["rows"]["tables"]["journal_lines"]["lost"] == [
        "[1, 1]",
        "[1, 2]",
        "[1, 3]",
        "[2, 1]",
    ]
    assert report.measurements["acknowledged_missing"] == 0
    assert report.verdict.startswith("4 tables, 184 rows expected: 4 lost, 0 changed, 0 unexpected")
    assert status_of(report, "verify: every row against the seed checksums, every acknowledged transaction") == "failed"
