"""Database drills that prove the data, not the metadata: rows by checksum, PITR and failover data loss.

Module map (one job each):

- `endpoint`: `DatabaseEndpoint`, where a drill connects (a local server or an RDS/Aurora endpoint);
- `server`: PostgreSQL process control for local drills (initdb, start/stop, base backups, replicas) as an
  unprivileged user;
- `ledger`: the seeded double-entry ledger schema, its deterministic seeding and the stream transaction;
- `checksums`: per-table and per-row SHA-256 checksums, the checksums file, row-level verification;
- `commits`: the client-side commit log, the stream writer, which acknowledged transactions survived;
- `results`: `RecoveryResult` / `DataLossResult` judged against `domain.tiers`, and their report fields;
- `recovery`: the local restore and point-in-time restore drills (`drill pg-restore`, `drill pg-pitr`);
- `replica`: the local failover and failback drills on a streaming replica (`drill pg-failover`);
- `aws`: the same measurements on AWS (IAM-authenticated TLS endpoint, RestoreDBClusterToPointInTime);
- `aws_pitr`: the AWS point-in-time restore drill on a scratch Aurora cluster (`drill aws-pitr`); the AWS
  restore and failover drills verify rows and count lost transactions through the same code
  (`trustfabric.drills.restore_rds`, `trustfabric.drills.failover_data`);
- `cli`: `drill checksum-rows`, `drill verify-rows`, `drill pg-restore|pg-pitr|pg-failover`, `drill aws-pitr`.

Usage::

    from trustfabric.drills.database import RecoveryOptions, run_local_recovery

    outcome = run_local_recovery("UK", RecoveryOptions(kind="pitr"))
    assert outcome.report.measurements["acknowledged_missing"] == 0
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trustfabric.lazy import lazy_exports

if TYPE_CHECKING:
    from .checksums import LedgerChecksums, RowVerification, take_checksums, verify_rows
    from .endpoint import DatabaseEndpoint
    from .recovery import RecoveryOptions, run_local_recovery
    from .replica import ReplicaOptions, run_local_failover
    from .results import DataLossResult, RecoveryResult

_HOMES = {
    "LedgerChecksums": "checksums",
    "RowVerification": "checksums",
    "take_checksums": "checksums",
    "verify_rows": "checksums",
    "DatabaseEndpoint": "endpoint",
    "RecoveryOptions": "recovery",
    "run_local_recovery": "recovery",
    "ReplicaOptions": "replica",
    "run_local_failover": "replica",
    "DataLossResult": "results",
    "RecoveryResult": "results",
}
"""Where each exported name lives: imported on first use (the CLI loads without the drills or the driver)."""


__getattr__ = lazy_exports(__name__, _HOMES)

__all__ = [
    "DataLossResult",
    "DatabaseEndpoint",
    "LedgerChecksums",
    "RecoveryOptions",
    "RecoveryResult",
    "ReplicaOptions",
    "RowVerification",
    "run_local_failover",
    "run_local_recovery",
    "take_checksums",
    "verify_rows",
]
