"""Disaster-recovery drills: restore from backups; fail a jurisdiction cell over to its standby and back.

The drills call AWS through boto3 against any endpoint: a real account with credentials, or a moto server
(`--endpoint-url` or `AWS_ENDPOINT_URL`). Each writes a JSON and a Markdown report (every step `done`,
`skipped (reason)` or `failed (reason)`, durations, measurements) and exits 0 when it passed, 1 when it
failed, 2 for bad input.

- `restore` (`trustfabric.drills.restore`): S3 versions, DynamoDB backup + PITR, RDS snapshot -> new
  resources, every record verified by SHA-256; records lost, RPO and time to restore against the tiers'
  restore targets. One module per store (`restore_s3`, `restore_dynamodb`, `restore_rds`) over a shared
  `restore_context`; the known records and their verification in `records`.
- `failover` / `failback` (`trustfabric.drills.failover`): `readiness`, Route53 failover records (`traffic`),
  `promotion`, RTO against the tiers' failover targets; the steps share a `failover_state`.
- `seed` (`trustfabric.drills.seed`): the fixture environment a moto server lacks.
- `common`: targets (read from `domain.tiers`), the cell's names (from `domain.naming`), the AWS session;
  `report`: steps, reports and outcomes; the commands are in `trustfabric.cli.drills`.

Usage::

    from trustfabric.drills import run_restore

    outcome = run_restore("UK", endpoint_url="http://127.0.0.1:5000")
    assert outcome.exit_code == 0
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trustfabric.lazy import lazy_exports

if TYPE_CHECKING:
    from .common import FAILOVER_TARGETS, RESTORE_TARGETS, TierTarget
    from .failover import FailoverOptions, run_failback, run_failover
    from .report import DEFAULT_REPORTS_DIR, DrillOutcome, DrillReport, Step
    from .restore import STORES, RestoreOptions, run_restore
    from .seed import seed_environment

_HOMES = {
    "FAILOVER_TARGETS": "common",
    "RESTORE_TARGETS": "common",
    "TierTarget": "common",
    "FailoverOptions": "failover",
    "run_failback": "failover",
    "run_failover": "failover",
    "DEFAULT_REPORTS_DIR": "report",
    "DrillOutcome": "report",
    "DrillReport": "report",
    "Step": "report",
    "STORES": "restore",
    "RestoreOptions": "restore",
    "run_restore": "restore",
    "seed_environment": "seed",
}
"""Where each exported name lives: imported on first use, so that loading the CLI (or one drill module) does not
load every drill, boto3's clients and the database driver."""


__getattr__ = lazy_exports(__name__, _HOMES)

__all__ = [
    "DEFAULT_REPORTS_DIR",
    "FAILOVER_TARGETS",
    "RESTORE_TARGETS",
    "STORES",
    "DrillOutcome",
    "DrillReport",
    "FailoverOptions",
    "RestoreOptions",
    "Step",
    "TierTarget",
    "run_failback",
    "run_failover",
    "run_restore",
    "seed_environment",
]
