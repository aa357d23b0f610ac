"""Local restore and point-in-time restore on a real PostgreSQL: every row and every acknowledged commit."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from trustfabric.drills.database import commits as commits_module
from trustfabric.drills.database import recovery as recovery_module
from trustfabric.drills.database.checksums import LedgerChecksums
from trustfabric.drills.database.ledger import SCHEMA, STREAM_FIRST_ID
from trustfabric.drills.database.recovery import LocalRecoveryDrill, RecoveryOptions, run_local_recovery
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


def test_pitr_counts_only_commits_begun_after_the_incident_when_an_acknowledgement_arrives_late(
    workspace: Workspace, primary: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Under load the writer thread can be descheduled between the server's COMMIT and the client recording its
    # acknowledgement. Force that: one stream transaction commits before the incident's target and its
    # acknowledgement is recorded only after the journal DELETE committed. It is recovered (it committed
    # before the target), so it must not count among the `stream_after` transactions that must not be.
    armed, held = threading.Event(), threading.Event()
    write_entry = commits_module.write_entry

    def late_acknowledgement(connection: Any, entry_id: int, tenant_id: int = 1, memo: str = "") -> None:
        write_entry(connection, entry_id, tenant_id=tenant_id, memo=memo)
        if armed.is_set() and not held.is_set():
            held.set()  # committed on the server; the drill may now take its target
            deadline = time.monotonic() + 30
            seeded = f"SELECT count(*) FROM {SCHEMA}.journal_entries WHERE entry_id < %s"
            while connection.execute(seeded, (STREAM_FIRST_ID,)).fetchone()[0] and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(0.2)  # the incident step reads the log while this acknowledgement is unrecorded

    stream = LocalRecoveryDrill.stream

    def stream_then_hold(self: LocalRecoveryDrill, step: Any) -> None:
        stream(self, step)
        armed.set()
        assert held.wait(10), "no stream transaction committed after the stream step"

    class SteadyWriter(commits_module.StreamWriter):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Slower than the drill's polling, so stopping never catches an extra transaction in flight, which
            # would hide a miscount.
            super().__init__(*args, **{**kwargs, "interval_seconds": 0.2})

    monkeypatch.setattr(commits_module, "write_entry", late_acknowledgement)
    monkeypatch.setattr(recovery_module, "StreamWriter", SteadyWriter)
    monkeypatch.setattr(LocalRecoveryDrill, "stream", stream_then_hold)
    options = RecoveryOptions(kind="pitr", entries=40, stream_before=10, stream_after=3)
    outcome = run_local_recovery("UK", options, reports_dir=tmp_path, echo=quiet, workspace=workspace, primary=primary)
    measured = outcome.report.measurements

    assert held.is_set()
    assert outcome.exit_code == 0, outcome.report.verdict
    commits = measured["commits"]
    assert commits["missing"] == [] and commits["beyond_target"] == []
    assert commits["present"] >= commits["acknowledged"] + 1  # the late one: recovered, acknowledged after D
    assert commits["sent"] >= commits["present"] + 3  # the commits after the target were not recovered
    incident = next(step for step in outcome.report.steps if step.name.startswith("incident:"))
    assert incident.details["stream_sent_after_incident"] >= 3


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
