"""The restore drill for tier0's DynamoDB store: an on-demand backup and point-in-time recovery, each restored
into a NEW table.

A scratch table with point-in-time recovery gets the known records as items; `create_backup` is one recovery
point, the PITR window (once it covers the last write) the other. `restore_table_from_backup` and
`restore_table_to_point_in_time` each restore into a new table, whose every item is verified by SHA-256.

Usage::

    table = DynamoDbRestore(context)
    for step in (table.create, table.write, table.backup, table.pitr_window, table.restore_backup):
        run.step(step.__name__, step)
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from .common import poll
from .records import sha256
from .report import Step, StepFailed, iso, utc_now
from .restore_context import RestoreContext

FROM_BACKUP = "dynamodb: new table from backup"
FROM_POINT_IN_TIME = "dynamodb: new table from point in time"
"""The restore targets' names in the report."""
BATCH = 25
"""Most items one `batch_write_item` call takes."""
BACKUP_TIMEOUT_SECONDS = 600
PITR_WAIT_ON_AWS_SECONDS = 360.0
"""How long AWS may take for the PITR window to reach the last write (its lag is about five minutes)."""


class DynamoDbRestore:
    """The DynamoDB steps of one restore drill run."""

    def __init__(self, context: RestoreContext) -> None:
        self.context = context
        self.ddb = context.client("dynamodb")
        self.table = f"{context.prefix}-ledger"
        self.backup_arn = ""
        self.last_write = utc_now()

    @property
    def records(self) -> dict[str, bytes]:
        return self.context.data["dynamodb"]

    def _wait_table(self, table: str) -> None:
        self.context.aws.wait(self.ddb, "table_exists", delay_seconds=10, max_attempts=120, TableName=table)

    def _latest_restorable(self) -> dt.datetime:
        description = self.ddb.describe_continuous_backups(TableName=self.table)["ContinuousBackupsDescription"]
        return description["PointInTimeRecoveryDescription"]["LatestRestorableDateTime"]

    def _scan(self, table: str) -> dict[str, bytes]:
        items: dict[str, bytes] = {}
        for page in self.ddb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
            for item in page.get("Items", []):
                items[item["pk"]["S"]] = item.get("body", {}).get("S", "").encode()
        return items

    def create(self, step: Step) -> None:
        self.ddb.create_table(
            TableName=self.table,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            Tags=[
                {"Key": "jurisdiction", "Value": self.context.cell.code},
                {"Key": "purpose", "Value": "restore-drill"},
            ],
        )
        self.context.created["tables"].append(self.table)
        self._wait_table(self.table)
        self.ddb.update_continuous_backups(
            TableName=self.table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        )
        description = self.ddb.describe_continuous_backups(TableName=self.table)["ContinuousBackupsDescription"]
        status = description["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]
        if status != "ENABLED":
            raise StepFailed(f"point-in-time recovery is {status} on {self.table}")
        step.details.update(table=self.table, point_in_time_recovery=status)

    def write(self, step: Step) -> None:
        requests = [
            {"PutRequest": {"Item": {"pk": {"S": key}, "body": {"S": body.decode()}, "sha256": {"S": sha256(body)}}}}
            for key, body in self.records.items()
        ]
        for start in range(0, len(requests), BATCH):
            pending: dict[str, Any] = {self.table: requests[start : start + BATCH]}
            for _ in range(10):
                unprocessed = self.ddb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
                if not unprocessed:
                    break
                pending = unprocessed
                time.sleep(0.2)
            else:
                raise StepFailed("batch_write_item left unprocessed items after 10 attempts")
        self.context.last_write_monotonic = time.monotonic()
        self.last_write = utc_now()
        step.details.update(items=len(requests))

    def backup(self, step: Step) -> None:
        details = self.ddb.create_backup(TableName=self.table, BackupName=f"{self.context.prefix}-backup")[
            "BackupDetails"
        ]
        arn = details["BackupArn"]
        self.context.created["backups"].append(arn)

        def available() -> bool:
            status = self.ddb.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]["BackupStatus"]
            return bool(status == "AVAILABLE")

        delay = self.context.aws.wait_delay(10)
        if not poll(available, timeout_seconds=BACKUP_TIMEOUT_SECONDS, interval_seconds=delay):
            raise StepFailed(f"backup {arn} not AVAILABLE within {BACKUP_TIMEOUT_SECONDS}s")
        self.backup_arn = arn
        self.context.recovery_points["dynamodb"] = details["BackupCreationDateTime"]
        step.details.update(backup_arn=arn, created=iso(details["BackupCreationDateTime"]))

    def pitr_window(self, step: Step) -> None:
        wait = self.context.options.pitr_wait_seconds
        if wait is None:
            wait = 0.0 if self.context.aws.is_custom_endpoint else PITR_WAIT_ON_AWS_SECONDS
        covered = poll(lambda: self._latest_restorable() >= self.last_write, timeout_seconds=wait, interval_seconds=10)
        restorable = self._latest_restorable()
        step.details.update(latest_restorable=iso(restorable), last_write=iso(self.last_write), waited_up_to=wait)
        if not covered:
            step.details["note"] = (
                "the endpoint's latest restorable time precedes the last write; the restore uses the latest "
                "restorable time and the checksum verification shows any record this misses"
            )
        points = self.context.recovery_points
        points["dynamodb"] = max(points.get("dynamodb", restorable), restorable)

    def _restore_into(
        self, target: str, verification: str, restore: Callable[[], object], step: Step, **details: str
    ) -> None:
        """Run one restore into the new table `target`, wait for it, and verify every item it holds."""
        start = time.monotonic()
        restore()
        self.context.created["tables"].append(target)
        self._wait_table(target)
        step.details.update(target_table=target, **details)
        self.context.record(verification, "dynamodb", self._scan(target), start, step)

    def restore_backup(self, step: Step) -> None:
        target = f"{self.table}-from-backup"
        self._restore_into(
            target,
            FROM_BACKUP,
            lambda: self.ddb.restore_table_from_backup(TargetTableName=target, BackupArn=self.backup_arn),
            step,
            backup_arn=self.backup_arn,
        )

    def restore_point_in_time(self, step: Step) -> None:
        target = f"{self.table}-pitr"
        self._restore_into(
            target,
            FROM_POINT_IN_TIME,
            lambda: self.ddb.restore_table_to_point_in_time(
                SourceTableName=self.table, TargetTableName=target, UseLatestRestorableTime=True
            ),
            step,
            restore_time="latest restorable time before the incident",
        )

    def cleanup(self, errors: list[str]) -> None:
        """Delete the tables and backups the drill created; errors are collected."""
        self.context.delete_created("tables", "table", lambda table: self.ddb.delete_table(TableName=table), errors)
        self.context.delete_created("backups", "backup", lambda arn: self.ddb.delete_backup(BackupArn=arn), errors)
