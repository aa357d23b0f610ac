"""What the failover and failback steps share: the options, the direction, the cell's names and what was found.

One `FailoverState` per run: the readiness checks (`readiness`) record what they find (the failover records
and zone, the Aurora global cluster, the RDS replica, the age of the newest recovery point), the data-plane
steps (`traffic`) and promotions (`promotion`) act on it, and every step that makes a store or the traffic
serve in the target region records when (`serving_at`), from which the drill measures its RTO per tier.

Usage::

    state = FailoverState(resolve_jurisdiction("UK"), aws, FailoverOptions(), "failover", run_log)
    assert (state.source, state.target) == ("eu-west-2", "eu-west-1")
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from domain.naming import PRIMARY_DEPLOYMENT
from domain.residency import Jurisdiction

from .common import Aws, CellNames
from .report import DrillRun

if TYPE_CHECKING:
    from .database.aws import Connector
    from .database.checksums import LedgerChecksums, RowVerification
    from .database.commits import CommitCheck, CommitLog

DIRECTIONS = ("failover", "failback")


@dataclass(frozen=True)
class FailoverOptions:
    """How the failover (or failback) drill runs."""

    seed: bool = False
    """Seed the fixture environment first (stand-in endpoints; see `trustfabric.drills.seed`)."""
    primary_down: bool = False
    """Treat the primary region as lost: never call it (readiness checks that need it are skipped)."""
    deployment: str = PRIMARY_DEPLOYMENT
    """The name the prod/dr pair shares in resource names."""
    change_timeout_seconds: float = 300.0
    """How long to wait for Route53 to report the change INSYNC."""
    promote_timeout_seconds: float = 1800.0
    """How long to wait for a promoted replica to become a standalone writer."""
    commits: int = 20
    """Acknowledged ledger transactions written before the cut (the data-loss figure, `failover_data`)."""
    db_secret_id: str | None = None
    """Secrets Manager secret with the drill's database login (`username`; it logs in with an IAM token);
    default `trustfabric/<deployment>/<cell>/ledger-drill`."""
    ca_bundle: str | None = None
    """RDS CA bundle for TLS verify-full (default `$TRUSTFABRIC_RDS_CA_BUNDLE`)."""
    require_zero_loss: bool = False
    """Fail a failover on any acknowledged transaction missing (a failback always requires 0)."""


class FailoverState:
    """The shared state of one failover (`direction="failover"`) or failback (`direction="failback"`) run."""

    def __init__(
        self,
        cell: Jurisdiction,
        aws: Aws,
        options: FailoverOptions,
        direction: str,
        run_log: DrillRun,
        connector: Connector | None = None,
    ) -> None:
        self.cell = cell
        self.aws = aws
        self.options = options
        self.direction = direction
        self.run_log = run_log
        self.names = CellNames.of(cell, aws.account_id, options.deployment)
        if direction == "failover":
            self.source, self.target = self.names.primary, self.names.standby
        else:
            self.source, self.target = self.names.standby, self.names.primary
        self.route53 = aws.route53()
        self.zone_id = ""
        self.records: dict[str, dict[str, Any]] = {}
        """The cell's failover records by set identifier, as readiness found them."""
        self.global_cluster: dict[str, Any] | None = None
        """The ledger's Aurora global cluster, when the target region's endpoint has one."""
        self.instance: dict[str, Any] | None = None
        """The ledger's RDS instance in the target region (a read replica before failover), when there is one."""
        self.recovery_point_age: float | None = None
        self.serving_at: dict[str, float] = {}
        """Seconds from the drill's start until traffic (`traffic`) and each store kind served in the target."""
        self.connector = connector
        """Opens the ledger database connections (default: libpq to the endpoint; tests: a local server)."""
        self.checksums: LedgerChecksums | None = None
        self.commit_log: CommitLog | None = None
        self.cut_at: dt.datetime | None = None
        self.commits: CommitCheck | None = None
        self.rows: RowVerification | None = None
        self.promoted_endpoint = ""

    def client(self, service: str, region: str) -> Any:
        return self.aws.client(service, region)

    def source_lost(self) -> str:
        """The skip reason for calls to the region being left, when it is declared lost."""
        return f"{self.source} declared lost (--primary-down); not called" if self.options.primary_down else ""

    def served(self, what: str) -> None:
        """Record that `what` (traffic, or a store kind) serves in the target region now."""
        self.serving_at[what] = self.run_log.elapsed()
