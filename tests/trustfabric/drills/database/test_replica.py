"""Failover and failback on a real streaming replica: acknowledged transactions lost, next to the RTO."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from trustfabric.drills.database.replica import ReplicaOptions, run_local_failover, validate
from trustfabric.drills.database.server import Workspace
from trustfabric.errors import TrustFabricError


def quiet(_line: str) -> None:
    pass


def status_of(report: Any, step: str) -> str:
    return str(next(entry.status for entry in report.steps if entry.name == step))


def drill(workspace: Workspace, tmp_path: Path, **options: object) -> object:
    return run_local_failover(
        "UK",
        ReplicaOptions(entries=30, **options),
        reports_dir=tmp_path,
        echo=quiet,
        workspace=workspace,  # type: ignore[arg-type]
    )


def test_synchronous_failover_loses_nothing(workspace: Workspace, tmp_path: Path) -> None:
    outcome = drill(workspace, tmp_path, synchronous=True, commits=15)
    report = outcome.report  # type: ignore[attr-defined]

    assert report.exit_code == 0, report.verdict
    loss = report.measurements["data_loss"]
    assert loss == {
        "tier": "tier0",
        "replication": "synchronous",
        "acknowledged": 15,
        "acknowledged_missing": 0,
        "rpo_seconds": 0.0,
        "rpo_target_seconds": 60,
        "rpo_met": True,
        "zero_loss_required": True,
    }
    rto = report.measurements["rto_seconds"]["tier0"]
    assert rto["rto_target_seconds"] == 900 and rto["rto_met"] and rto["rto_seconds"] > 0
    assert report.measurements["rows_lost"] == 0
    assert status_of(report, "incident: primary crashes (stop -m immediate)") == "done"


def test_asynchronous_lag_of_n_commits_is_reported_as_n_lost_within_the_rpo(
    workspace: Workspace, tmp_path: Path
) -> None:
    outcome = drill(workspace, tmp_path, synchronous=False, commits=10, lag_commits=3)
    report = outcome.report  # type: ignore[attr-defined]

    assert report.exit_code == 0, report.verdict
    loss = report.measurements["data_loss"]
    assert (loss["acknowledged"], loss["acknowledged_missing"]) == (13, 3)
    assert report.measurements["commits"]["missing"] == [1_000_010, 1_000_011, 1_000_012]
    assert 0 < loss["rpo_seconds"] <= 60 and loss["rpo_met"]
    assert report.verdict.startswith("3 acknowledged transaction(s) missing after promotion (asynchronous)")


def test_lost_commits_fail_the_drill_when_zero_loss_is_required(workspace: Workspace, tmp_path: Path) -> None:
    outcome = drill(workspace, tmp_path, synchronous=False, commits=5, lag_commits=2, require_zero_loss=True)
    report = outcome.report  # type: ignore[attr-defined]

    assert report.exit_code == 1
    assert report.measurements["data_loss"]["acknowledged_missing"] == 2
    assert report.measurements["data_loss"]["rpo_met"] is False
    assert report.verdict.startswith(
        "2 acknowledged transaction(s) missing after promotion; --require-zero-loss requires 0"
    )


def test_planned_failback_with_injected_row_loss_reports_the_rows_and_fails(
    workspace: Workspace, tmp_path: Path
) -> None:
    outcome = drill(workspace, tmp_path, direction="failback", commits=5, inject_loss=2)
    report = outcome.report  # type: ignore[attr-defined]

    assert report.drill == "failback" and report.exit_code == 1
    assert status_of(report, "planned: primary shuts down cleanly (stop -m fast)") == "done"
    assert report.measurements["data_loss"]["acknowledged_missing"] == 0
    assert report.measurements["rows_lost"] == 2
    assert report.measurements["rows"]["tables"]["journal_lines"]["lost"] == ["[1, 1]", "[1, 2]"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ReplicaOptions(synchronous=True, lag_commits=1),
            "--lag-commits needs --asynchronous: a synchronous primary waits for its standby",
        ),
        (
            ReplicaOptions(synchronous=False, direction="failback", lag_commits=1),
            "--lag-commits applies to failover only: a failback is a planned switchover",
        ),
        (ReplicaOptions(direction="sideways"), "direction 'sideways'; allowed: failover, failback"),
    ],
)
def test_impossible_options_are_bad_input(options: ReplicaOptions, message: str) -> None:
    with pytest.raises(TrustFabricError) as raised:
        validate(options)
    assert str(raised.value) == message
