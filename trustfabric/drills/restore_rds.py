"""The restore drill for tier0's RDS store: a snapshot restored into a NEW instance.

A scratch PostgreSQL instance is snapshotted (`create_db_snapshot`, the recovery point) and the snapshot
restored into a new instance (`restore_db_instance_from_db_snapshot`). Its rows need a SQL connection the drill
never opens, so the restored instance is verified by a SHA-256 of its attributes against the source's (said in
the report); the time to restore is the restore call to the instance available.

Usage::

    database = RdsRestore(context)
    for step in (database.create, database.snapshot, database.restore):
        run.step(step.__name__, step)
"""

from __future__ import annotations

import json
import time
from typing import Any

from .common import SMALL_INSTANCE_CLASS, small_postgres
from .records import sha256
from .report import Step, StepFailed, iso
from .restore_context import RestoreContext


def fingerprint(instance: dict[str, Any]) -> str:
    """SHA-256 of the attributes a restore must carry over (engine, storage, encryption, class, the drill id)."""
    tags = {tag["Key"]: tag["Value"] for tag in instance.get("TagList", [])}
    facts = {
        "engine": instance.get("Engine"),
        "allocated_storage": instance.get("AllocatedStorage"),
        "storage_encrypted": instance.get("StorageEncrypted"),
        "instance_class": instance.get("DBInstanceClass"),
        "drill_id": tags.get("drill-id"),
    }
    return sha256(json.dumps(facts, sort_keys=True).encode())


class RdsRestore:
    """The RDS steps of one restore drill run."""

    def __init__(self, context: RestoreContext) -> None:
        self.context = context
        self.rds = context.client("rds")
        self.instance = f"{context.prefix}-db"
        self.snapshot_id = f"{self.instance}-snap"
        self.source_fingerprint = ""
        self.time_to_restore: float | None = None
        """Seconds from the restore call to the restored instance available; None until restored."""

    def _wait_instance(self, identifier: str) -> dict[str, Any]:
        self.context.aws.wait(
            self.rds, "db_instance_available", delay_seconds=30, max_attempts=120, DBInstanceIdentifier=identifier
        )
        return self.rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]

    def create(self, step: Step) -> None:
        tags = {"jurisdiction": self.context.cell.code, "drill-id": self.context.drill_id}
        self.rds.create_db_instance(
            **small_postgres(self.instance, master_username="drill_admin", backup_retention_days=1, tags=tags),
            CopyTagsToSnapshot=True,
        )
        self.context.created["instances"].append(self.instance)
        self.source_fingerprint = fingerprint(self._wait_instance(self.instance))
        step.details.update(instance=self.instance, fingerprint=self.source_fingerprint)

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
        start = time.monotonic()
        target = f"{self.instance}-restored"
        self.rds.restore_db_instance_from_db_snapshot(
            DBInstanceIdentifier=target, DBSnapshotIdentifier=self.snapshot_id, DBInstanceClass=SMALL_INSTANCE_CLASS
        )
        self.context.created["instances"].append(target)
        restored = fingerprint(self._wait_instance(target))
        elapsed = time.monotonic() - start
        step.details.update(
            target_instance=target,
            fingerprint=restored,
            time_to_restore_seconds=round(elapsed, 3),
            verification="instance attributes by SHA-256 (rows need a SQL connection the drill never opens)",
        )
        self.time_to_restore = elapsed
        if restored != self.source_fingerprint:
            raise StepFailed(f"restored instance {target} differs from the source (attribute checksum mismatch)")

    def _delete_instance(self, instance: str) -> None:
        self.rds.delete_db_instance(DBInstanceIdentifier=instance, SkipFinalSnapshot=True, DeleteAutomatedBackups=True)

    def cleanup(self, errors: list[str]) -> None:
        """Delete the instances (no final snapshot) and snapshots the drill created; errors are collected."""
        self.context.delete_created("instances", "instance", self._delete_instance, errors)
        self.context.delete_created(
            "snapshots", "snapshot", lambda snapshot: self.rds.delete_db_snapshot(DBSnapshotIdentifier=snapshot), errors
        )
