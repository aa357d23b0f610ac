"""Result types of the database drills, judged against the tier's objectives, and their report fields.

The same types come out of a local drill and an AWS one, so the report an auditor reads has one shape:

- `RecoveryResult` (restore and point-in-time restore): RPO (restore: incident minus recovery point;
  PITR: target minus the newest transaction recovered), RTO (incident to verified rows), the row
  verification and, for PITR, the commit check; judged against `RESTORE_TARGETS["tier0"]`.
- `DataLossResult` (failover and failback): acknowledged transactions missing after promotion and the loss
  window (the measured RPO), RTO (primary lost to a verified writable standby), the row verification;
  judged against `FAILOVER_TARGETS["tier0"]`, with 0 lost required under synchronous replication and for a
  planned failback.

Report fields are ADDED to the existing drill report (`trustfabric.drills.report`), never changed:
restore/PITR fill `measurements.tiers.tier0` in the restore drill's shape and failover/failback fill
`measurements.rto_seconds.tier0` in the failover drill's shape; the new keys are `rows`, `rows_lost`,
`rows_changed`, `rows_unexpected`, `tables_missing`, `commits`, `acknowledged_missing`, `data_loss`,
`recovery_target_time` and `environment` (`local` for a scratch server, `aws` for an AWS endpoint).

Usage::

    result = RecoveryResult("pitr", endpoint="postgresql://...", rpo_seconds=0.4, rto_seconds=6.1, rows=rows,
                            commits=check)
    problems = result.problems()          # [] when every objective is met and nothing is lost
    run.measurements.update(result.measurements())
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common import FAILOVER_TARGETS, RESTORE_TARGETS, TierTarget
from ..report import DrillReport
from .checksums import LedgerChecksums, RowVerification, verify_rows
from .commits import CommitCheck, CommitLog, check_commits
from .ledger import stream_keys

TIER = "tier0"
"""The ledger's tier: every database drill is judged against its objectives (`domain.tiers`)."""


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _row_measurements(rows: RowVerification | None) -> dict[str, Any]:
    if rows is None:
        return {"rows": None}
    return {
        "rows": rows.as_dict(),
        "rows_lost": rows.rows_lost,
        "rows_changed": rows.rows_changed,
        "rows_unexpected": rows.rows_unexpected,
        "tables_missing": rows.tables_missing,
    }


def _row_problems(rows: RowVerification | None) -> list[str]:
    if rows is None:
        return ["rows not verified"]
    if rows.ok:
        return []
    return [rows.summary()]


@dataclass(frozen=True)
class RecoveryResult:
    """A restore (`kind="restore"`) or point-in-time restore (`kind="pitr"`) of the ledger, measured."""

    kind: str
    endpoint: str
    """The restored database (`postgresql://user@host:port/db`)."""
    rpo_seconds: float | None
    rto_seconds: float | None
    rows: RowVerification | None
    commits: CommitCheck | None = None
    target_time: dt.datetime | None = None
    recovery_point: dt.datetime | None = None
    environment: str = "local"

    @property
    def target(self) -> TierTarget:
        return RESTORE_TARGETS[TIER]

    def problems(self) -> list[str]:
        problems = _row_problems(self.rows)
        if self.kind == "pitr":
            if self.commits is None:
                problems.append("acknowledged transactions not checked")
            else:
                if self.commits.missing:
                    problems.insert(
                        0,
                        f"{len(self.commits.missing)} acknowledged transaction(s) before the target missing",
                    )
                if self.commits.beyond_target:
                    problems.append(f"{len(self.commits.beyond_target)} transaction(s) sent after the target recovered")
                if self.commits.incomplete:
                    problems.append(f"{len(self.commits.incomplete)} transaction(s) recovered incomplete")
        if self.rpo_seconds is None or self.rpo_seconds > self.target.rpo_seconds:
            problems.append(f"{TIER} RPO {_rounded(self.rpo_seconds)}s not within {self.target.rpo_seconds}s")
        if self.rto_seconds is None or self.rto_seconds > self.target.rto_seconds:
            problems.append(
                f"{TIER} time to restore {_rounded(self.rto_seconds)}s not within {self.target.rto_seconds}s"
            )
        return problems

    def measurements(self) -> dict[str, Any]:
        target = self.target
        values: dict[str, Any] = {
            "environment": self.environment,
            "database_endpoint": self.endpoint,
            "tiers": {
                TIER: {
                    "stores": ["postgresql"],
                    "rpo_seconds": _rounded(self.rpo_seconds),
                    "rpo_target_seconds": target.rpo_seconds,
                    "rpo_met": self.rpo_seconds is not None and self.rpo_seconds <= target.rpo_seconds,
                    "rto_seconds": _rounded(self.rto_seconds),
                    "rto_target_seconds": target.rto_seconds,
                    "rto_met": self.rto_seconds is not None and self.rto_seconds <= target.rto_seconds,
                }
            },
            **_row_measurements(self.rows),
        }
        if self.recovery_point is not None:
            values["recovery_point"] = self.recovery_point.isoformat(timespec="milliseconds")
        if self.kind == "pitr":
            values["recovery_target_time"] = (
                self.target_time.isoformat(timespec="milliseconds") if self.target_time else None
            )
            values["commits"] = self.commits.as_dict() if self.commits else None
            values["acknowledged_missing"] = len(self.commits.missing) if self.commits else None
        return values


@dataclass(frozen=True)
class DataLossResult:
    """A failover (`direction="failover"`) or failback of the ledger database, measured."""

    direction: str
    endpoint: str
    """The promoted database."""
    replication: str
    """`synchronous` or `asynchronous`."""
    commits: CommitCheck | None
    rto_seconds: float | None
    rows: RowVerification | None
    zero_loss_required: bool
    environment: str = "local"

    @property
    def target(self) -> TierTarget:
        return FAILOVER_TARGETS[TIER]

    @property
    def rpo_seconds(self) -> float | None:
        return None if self.commits is None else self.commits.loss_window_seconds

    def problems(self) -> list[str]:
        problems: list[str] = []
        if self.commits is None:
            problems.append("acknowledged transactions not checked")
        else:
            lost = len(self.commits.missing)
            if lost and self.zero_loss_required:
                why = (
                    "synchronous replication"
                    if self.replication == "synchronous"
                    else "a planned failback"
                    if self.direction == "failback"
                    else "--require-zero-loss"
                )
                problems.append(f"{lost} acknowledged transaction(s) missing after promotion; {why} requires 0")
            rpo = self.commits.loss_window_seconds
            if rpo > self.target.rpo_seconds:
                problems.append(
                    f"{lost} acknowledged transaction(s) missing: RPO {rpo:.3f}s not within {self.target.rpo_seconds}s"
                )
            if self.commits.incomplete:
                problems.append(f"{len(self.commits.incomplete)} transaction(s) present incomplete")
        problems += _row_problems(self.rows)
        if self.rto_seconds is None or self.rto_seconds > self.target.rto_seconds:
            problems.append(f"{TIER} RTO {_rounded(self.rto_seconds)}s not within {self.target.rto_seconds}s")
        return problems

    def measurements(self) -> dict[str, Any]:
        target = self.target
        rpo = self.rpo_seconds
        lost = None if self.commits is None else len(self.commits.missing)
        return {
            "environment": self.environment,
            "database_endpoint": self.endpoint,
            "rto_seconds": {
                TIER: {
                    "rto_seconds": _rounded(self.rto_seconds),
                    "rto_target_seconds": target.rto_seconds,
                    "rto_met": self.rto_seconds is not None and self.rto_seconds <= target.rto_seconds,
                    "rpo_target_seconds": target.rpo_seconds,
                }
            },
            "data_loss": {
                "tier": TIER,
                "replication": self.replication,
                "acknowledged": None if self.commits is None else self.commits.acknowledged,
                "acknowledged_missing": lost,
                "rpo_seconds": _rounded(rpo),
                "rpo_target_seconds": target.rpo_seconds,
                "rpo_met": rpo is not None and rpo <= target.rpo_seconds and not (self.zero_loss_required and lost),
                "zero_loss_required": self.zero_loss_required,
            },
            "commits": self.commits.as_dict() if self.commits else None,
            "acknowledged_missing": lost,
            **_row_measurements(self.rows),
        }


def verify_recovered(
    connection: Any,
    expected: LedgerChecksums,
    log: CommitLog | None,
    reference: dt.datetime | None,
    *,
    target: bool,
    source: str = "",
) -> tuple[RowVerification, CommitCheck | None]:
    """The one verification every database drill runs on the recovered database, local or AWS: every row
    against the seed checksums (stream rows left to the commit log) and every logged transaction."""
    explained = stream_keys(log.entry_ids) if log else None
    rows = verify_rows(connection, expected, explained, source)
    commits = check_commits(connection, log, reference, target=target) if log and reference else None
    return rows, commits


def write_report(report: DrillReport, reports_dir: Path, rows: RowVerification | None) -> tuple[Path, Path]:
    """The drill report's JSON and Markdown, with a per-table section added to the Markdown."""
    json_path, markdown_path = report.write(reports_dir)
    if rows is not None:
        with markdown_path.open("a", encoding="utf-8") as markdown:
            markdown.write("\n## Rows by table (SHA-256 per row, by primary key)\n\n" + rows.to_markdown())
    return json_path, markdown_path
