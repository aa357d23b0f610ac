"""The restore drill for tier0's RDS store: a snapshot restored into a NEW instance, verified row by row.

The drill creates a scratch PostgreSQL instance (IAM database authentication on, the master credentials in a
Secrets Manager secret the drill creates), connects to it over TLS `verify-full` with those credentials,
seeds the ledger schema (`database.ledger`), creates the read-only drill login (`ledger_drill`, granted
`rds_iam`, its username in a second secret) and takes the row checksums of every table (`database.checksums`).
The snapshot (`create_db_snapshot`, the recovery point) is restored into a new instance
(`restore_db_instance_from_db_snapshot`); the drill connects to the restored endpoint with an IAM
authentication token as `ledger_drill` (`database.aws.iam_endpoint`) and runs the same verification as the
local drills (`database.results.verify_recovered`): rows lost, changed, unexpected and tables missing, per
table. The time to restore is the restore call to verified rows.

`inject_row_loss` deletes that many seeded journal lines on the restored instance (with the master
credentials) before verification: the drill must report exactly that many rows lost and fail.

`connector` opens every database connection (`database.endpoint.connect` by default); tests map the endpoints
the drill builds onto a local PostgreSQL. On a stand-in endpoint (moto) without one, the instances hold no
database: the seeding and row steps are skipped with that reason and the report says the rows were not
verified.

Usage::

    database = RdsRestore(context)
    for step in (database.create, database.seed, database.snapshot, database.restore, database.verify):
        run.step(step.__name__, step)
"""

from __future__ import annotations

import json
import time
from typing import Any

from .common import SMALL_INSTANCE_CLASS, small_postgres
from .database.aws import Connector, iam_endpoint, secret_endpoint
from .database.checksums import LedgerChecksums, RowVerification, take_checksums
from .database.endpoint import DatabaseEndpoint, connect
from .database.ledger import DRILL_USER, create_schema, delete_seeded_lines, grant_drill_user, seed_ledger
from .database.results import verify_recovered
from .report import Step, StepFailed, StepSkipped, iso
from .restore_context import RestoreContext

DATABASE = "ledger"
MASTER_USER = "drill_admin"
NO_DATABASE = (
    "this endpoint's instances hold no database (a stand-in); rows are verified against AWS, or in tests "
    "through a connector to a local PostgreSQL"
)


class RdsRestore:
    """The RDS steps of one restore drill run."""

    def __init__(self, context: RestoreContext, connector: Connector | None = None) -> None:
        self.context = context
        self.rds = context.client("rds")
        self.secrets = context.client("secretsmanager")
        self.instance = f"{context.prefix}-db"
        self.snapshot_id = f"{self.instance}-snap"
        self.restored_instance = f"{self.instance}-restored"
        self.master_secret = f"{context.prefix}-db-master"
        self.drill_secret = f"{context.prefix}-db-drill"
        self.connector = connector
        self.expected: LedgerChecksums | None = None
        """The row checksums taken on the source at seeding time."""
        self.rows: RowVerification | None = None
        """The restored instance's rows against `expected`; None until verified."""
        self.restore_started = 0.0
        self.time_to_restore: float | None = None
        """Seconds from the restore call to verified rows (to the instance available when rows are not
        verified); None until restored."""

    @property
    def has_database(self) -> bool:
        return self.connector is not None or not self.context.aws.is_custom_endpoint

    def _connect(self, endpoint: DatabaseEndpoint) -> Any:
        return (self.connector or connect)(endpoint)

    def _wait_instance(self, identifier: str) -> dict[str, Any]:
        self.context.aws.wait(
            self.rds, "db_instance_available", delay_seconds=30, max_attempts=120, DBInstanceIdentifier=identifier
        )
        return dict(self.rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0])

    def _secret(self, name: str, value: dict[str, str]) -> None:
        self.secrets.create_secret(
            Name=name,
            SecretString=json.dumps(value),
            Tags=[{"Key": "drill-id", "Value": self.context.drill_id}],
        )
        self.context.created["secrets"].append(name)

    def _endpoint(self, identifier: str, *, iam: bool) -> DatabaseEndpoint:
        address = self.rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]["Endpoint"]
        host, port, region = address["Address"], int(address["Port"]), self.context.region
        bundle, aws = self.context.options.ca_bundle, self.context.aws
        if iam:
            return iam_endpoint(aws, region, host, port, DATABASE, self.drill_secret, bundle)
        return secret_endpoint(aws, region, host, port, DATABASE, self.master_secret, bundle)

    def create(self, step: Step) -> None:
        tags = {"jurisdiction": self.context.cell.code, "drill-id": self.context.drill_id}
        parameters = small_postgres(self.instance, master_username=MASTER_USER, backup_retention_days=1, tags=tags)
        self._secret(self.master_secret, {"username": MASTER_USER, "password": parameters["MasterUserPassword"]})
        self.rds.create_db_instance(
            **parameters, DBName=DATABASE, EnableIAMDatabaseAuthentication=True, CopyTagsToSnapshot=True
        )
        self.context.created["instances"].append(self.instance)
        self._wait_instance(self.instance)
        step.details.update(instance=self.instance, credentials=f"Secrets Manager {self.master_secret}")

    def seed(self, step: Step) -> None:
        if not self.has_database:
            raise StepSkipped(NO_DATABASE)
        endpoint = self._endpoint(self.instance, iam=False)
        connection = self._connect(endpoint)
        try:
            create_schema(connection)
            summary = seed_ledger(connection, self.context.cell.code, seed=7, entries=self.context.options.ledger_rows)
            grant_drill_user(connection)
            self.expected = take_checksums(connection, source=endpoint.describe())
        finally:
            connection.close()
        self._secret(self.drill_secret, {"username": DRILL_USER})
        step.details.update(database=endpoint.describe(), seeded=summary.rows, drill_user=DRILL_USER)

    def snapshot(self, step: Step) -> None:
        self.rds.create_db_snapshot(DBSnapshotIdentifier=self.snapshot_id, DBInstanceIdentifier=self.instance)
        self.context.created["snapshots"].append(self.snapshot_id)
        self.context.aws.wait(
            self.rds, "db_snapshot_available", delay_seconds=30, max_attempts=120, DBSnapshotIdentifier=self.snapshot_id
        )
        snapshot = self.rds.describe_db_snapshots(DBSnapshotIdentifier=self.snapshot_id)["DBSnapshots"][0]
        self.context.recovery_points["rds"] = snapshot["SnapshotCreateTime"]
        step.details.update(snapshot=self.snapshot_id, created=iso(snapshot["SnapshotCreateTime"]))

    def restore(self, step: Step) -> None:
        self.restore_started = time.monotonic()
        self.rds.restore_db_instance_from_db_snapshot(
            DBInstanceIdentifier=self.restored_instance,
            DBSnapshotIdentifier=self.snapshot_id,
            DBInstanceClass=SMALL_INSTANCE_CLASS,
            EnableIAMDatabaseAuthentication=True,
        )
        self.context.created["instances"].append(self.restored_instance)
        restored = self._wait_instance(self.restored_instance)
        self.time_to_restore = time.monotonic() - self.restore_started
        step.details.update(
            target_instance=self.restored_instance,
            status=restored["DBInstanceStatus"],
            iam_authentication=restored.get("IAMDatabaseAuthenticationEnabled"),
        )

    def inject(self, step: Step) -> None:
        connection = self._connect(self._endpoint(self.restored_instance, iam=False))
        try:
            step.details["deleted"] = delete_seeded_lines(connection, self.context.options.inject_row_loss)
        finally:
            connection.close()

    def verify(self, step: Step) -> None:
        assert self.expected is not None
        endpoint = self._endpoint(self.restored_instance, iam=True)
        connection = self._connect(endpoint)
        try:
            rows, _ = verify_recovered(connection, self.expected, None, None, target=True, source=endpoint.describe())
        finally:
            connection.close()
        self.rows = rows
        self.time_to_restore = time.monotonic() - self.restore_started
        step.details.update(
            database=endpoint.describe(),
            login="IAM authentication token, TLS verify-full",
            rows=rows.as_dict(),
            time_to_restore_seconds=round(self.time_to_restore, 3),
        )
        if not rows.ok:
            raise StepFailed(rows.summary())

    def _delete_instance(self, instance: str) -> None:
        self.rds.delete_db_instance(DBInstanceIdentifier=instance, SkipFinalSnapshot=True, DeleteAutomatedBackups=True)

    def cleanup(self, errors: list[str]) -> None:
        """Delete the instances (no final snapshot), snapshots and secrets the drill created; errors are
        collected."""
        self.context.delete_created("instances", "instance", self._delete_instance, errors)
        self.context.delete_created(
            "snapshots", "snapshot", lambda snapshot: self.rds.delete_db_snapshot(DBSnapshotIdentifier=snapshot), errors
        )
        self.context.delete_created(
            "secrets",
            "secret",
            lambda name: self.secrets.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True),
            errors,
        )
