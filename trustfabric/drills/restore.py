"""`drill restore`: write known data, back it up, restore into NEW resources, prove every record came back.

For each store the drill creates its own scratch source (it never touches the stacks' stores), then:

- **S3** (records tier): a versioned bucket; N objects written; the recovery point is the newest object
  version before the incident. The incident overwrites half the objects and deletes the rest (delete markers);
  the restore copies, for every key, the newest version at or before the recovery point into a NEW bucket.
- **DynamoDB** (tier0): a table with point-in-time recovery; N items written; `create_backup`; then both
  `restore_table_from_backup` and `restore_table_to_point_in_time` into NEW tables.
- **RDS** (tier0): an instance, `create_db_snapshot`, `restore_db_instance_from_db_snapshot` into a NEW
  instance.

Every restored S3 object and DynamoDB item is verified by SHA-256 against what was written; the report gives
records written / restored / lost (a pass needs 0 lost), the RPO per store (age of the newest recovery point
at the incident) and the time to restore, judged against the tier targets in `trustfabric.drills.common`. RDS
rows need a SQL connection the drill does not open, so the restored instance is verified by a checksum of its
attributes instead (said in the report). The drill uses each service's native backup API, never AWS Backup
restore jobs (a moto endpoint has none); the report says so per store. Everything it created is deleted unless
`keep`.

`inject_loss` / `inject_corruption` delete / overwrite restored objects before verification: they prove the
verifier catches loss (the drill must then fail with that many records lost).

Usage::

    from pathlib import Path
    from trustfabric.drills.restore import RestoreOptions, run_restore

    outcome = run_restore("UK", endpoint_url="http://127.0.0.1:5000", reports_dir=Path("reports/drills"))
    assert outcome.report.measurements["records_lost"] == 0 and outcome.exit_code == 0
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from domain.naming import drill_prefix
from trustfabric.errors import TrustFabricError

from .common import RESTORE_TARGETS, Aws, not_found, poll, resolve_jurisdiction
from .report import DrillReport, DrillRun, Step, StepFailed, StepSkipped, iso, utc_now

STORES: tuple[str, ...] = ("s3", "dynamodb", "rds")
CURRENCY = {"UK": "GBP", "EU": "EUR", "US": "USD", "CA": "CAD"}
DEFAULT_REPORTS_DIR = Path("reports/drills")
S3_TIMESTAMP_RESOLUTION_SECONDS = 1.05
"""S3 reports LastModified to the second: the incident waits this long so its versions are strictly newer."""


@dataclass(frozen=True)
class RestoreOptions:
    """What the restore drill writes, restores and keeps."""

    objects: int = 20
    """S3 objects to write and restore."""
    items: int = 20
    """DynamoDB items to write and restore."""
    stores: tuple[str, ...] = STORES
    """Stores to drill: any of s3, dynamodb, rds."""
    keep: bool = False
    """Keep every resource the drill created (default: delete them at the end)."""
    inject_loss: int = 0
    """Delete this many restored S3 objects before verification (proves the verifier catches loss)."""
    inject_corruption: int = 0
    """Overwrite this many restored S3 objects before verification."""
    pitr_wait_seconds: float | None = None
    """Wait for the PITR window to cover the last write; default 0 on a stand-in endpoint, 360 on AWS."""


@dataclass(frozen=True)
class DrillOutcome:
    """A finished drill: the report and where it was written."""

    report: DrillReport
    json_path: Path
    markdown_path: Path

    @property
    def exit_code(self) -> int:
        return self.report.exit_code


def known_records(code: str, kind: str, count: int, drill_id: str) -> dict[str, bytes]:
    """`count` deterministic accounting records (JSON bytes) by key; `drill_id` makes them unique."""
    records = {}
    for number in range(count):
        record = {
            "record_id": f"{kind}-{number:06d}",
            "drill_id": drill_id,
            "jurisdiction": code,
            "currency": CURRENCY.get(code, "XXX"),
            "amount_minor": (number * 7919 + 104729) % 1_000_000,
            "memo": f"restore drill {kind} record {number}",
        }
        records[f"records/{kind}-{number:06d}.json"] = json.dumps(record, sort_keys=True).encode()
    return records


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Verification:
    """Records of one restore target checked against what was written."""

    target: str
    written: int
    restored: int = 0
    missing: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)
    time_to_restore_seconds: float = 0.0

    @property
    def lost(self) -> int:
        return len(self.missing) + len(self.mismatched)

    def as_dict(self) -> dict[str, Any]:
        return {
            "written": self.written,
            "restored": self.restored,
            "lost": self.lost,
            "missing": self.missing[:20],
            "checksum_mismatch": self.mismatched[:20],
            "time_to_restore_seconds": round(self.time_to_restore_seconds, 3),
        }


def verify(target: str, expected: dict[str, str], actual: dict[str, bytes]) -> Verification:
    """Compare SHA-256 checksums of every expected record with the restored bytes."""
    result = Verification(target=target, written=len(expected))
    for key, checksum in sorted(expected.items()):
        if key not in actual:
            result.missing.append(key)
        elif sha256(actual[key]) != checksum:
            result.mismatched.append(key)
        else:
            result.restored += 1
    return result


class RestoreDrill:
    """One run of the restore drill; `run()` executes every step and returns the outcome."""

    def __init__(
        self,
        jurisdiction: str,
        aws: Aws,
        options: RestoreOptions,
        reports_dir: Path,
        echo: Callable[[str], None] | None = None,
    ) -> None:
        self.cell = resolve_jurisdiction(jurisdiction)
        self.aws = aws
        self.options = options
        self.reports_dir = reports_dir
        self.region = self.cell.primary_region
        self.run_log = DrillRun("restore", self.cell.code, aws.endpoint_url, echo=echo)
        stamp = utc_now().strftime("%Y%m%dt%H%M%S")
        self.drill_id = f"{stamp}-{secrets.token_hex(3)}"
        self.prefix = drill_prefix(self.cell.code, self.drill_id)
        self.s3 = aws.client("s3", self.region)
        self.ddb = aws.client("dynamodb", self.region)
        self.rds = aws.client("rds", self.region)
        self.verifications: dict[str, Verification] = {}
        self.recovery_points: dict[str, dt.datetime] = {}
        self.created: dict[str, list[str]] = {
            "buckets": [],
            "tables": [],
            "backups": [],
            "instances": [],
            "snapshots": [],
        }
        self.last_write_monotonic = 0.0
        self.incident_at: dt.datetime | None = None
        self.incident_monotonic = 0.0
        kinds = {"s3": options.objects, "dynamodb": options.items}
        self.data = {kind: known_records(self.cell.code, kind, count, self.drill_id) for kind, count in kinds.items()}
        self.expected = {kind: {key: sha256(body) for key, body in data.items()} for kind, data in self.data.items()}

    # names
    @property
    def source_bucket(self) -> str:
        return f"{self.prefix}-src"

    @property
    def restored_bucket(self) -> str:
        return f"{self.prefix}-restored"

    @property
    def table(self) -> str:
        return f"{self.prefix}-ledger"

    @property
    def instance(self) -> str:
        return f"{self.prefix}-db"

    def selected(self, store: str) -> bool:
        return store in self.options.stores

    # --- S3 -----------------------------------------------------------------------------------------------
    def s3_create(self, step: Step) -> None:
        config = (
            {} if self.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": self.region}}
        )
        self.s3.create_bucket(Bucket=self.source_bucket, **config)
        self.created["buckets"].append(self.source_bucket)
        self.s3.put_bucket_versioning(Bucket=self.source_bucket, VersioningConfiguration={"Status": "Enabled"})
        status = self.s3.get_bucket_versioning(Bucket=self.source_bucket).get("Status")
        if status != "Enabled":
            raise StepFailed(f"versioning is {status!r} on {self.source_bucket}, not Enabled")
        step.details.update(bucket=self.source_bucket, region=self.region, versioning=status)

    def s3_write(self, step: Step) -> None:
        for key, body in self.data["s3"].items():
            self.s3.put_object(Bucket=self.source_bucket, Key=key, Body=body, Metadata={"sha256": sha256(body)})
        self.last_write_monotonic = time.monotonic()
        step.details.update(objects=len(self.data["s3"]))

    def _versions(self, bucket: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        versions: list[dict[str, Any]] = []
        markers: list[dict[str, Any]] = []
        for page in self.s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            versions += page.get("Versions", [])
            markers += page.get("DeleteMarkers", [])
        return versions, markers

    def s3_recovery_point(self, step: Step) -> None:
        versions, _ = self._versions(self.source_bucket)
        if len(versions) < len(self.data["s3"]):
            raise StepFailed(f"{len(versions)} object versions for {len(self.data['s3'])} objects written")
        self.recovery_points["s3"] = max(version["LastModified"] for version in versions)
        step.details.update(versions=len(versions), recovery_point=iso(self.recovery_points["s3"]))

    def s3_incident(self, step: Step) -> None:
        keys = sorted(self.data["s3"])
        overwritten, deleted = keys[::2], keys[1::2]
        for key in overwritten:
            self.s3.put_object(Bucket=self.source_bucket, Key=key, Body=b'{"encrypted_by": "ransomware"}')
        for key in deleted:
            self.s3.delete_object(Bucket=self.source_bucket, Key=key)
        step.details.update(overwritten=len(overwritten), deleted=len(deleted))

    def s3_restore(self, step: Step) -> None:
        start = time.monotonic()
        config = (
            {} if self.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": self.region}}
        )
        self.s3.create_bucket(Bucket=self.restored_bucket, **config)
        self.created["buckets"].append(self.restored_bucket)
        recovery_point = self.recovery_points["s3"]
        versions, markers = self._versions(self.source_bucket)
        chosen: dict[str, dict[str, Any]] = {}
        for version in versions:
            if version["LastModified"] > recovery_point:
                continue
            best = chosen.get(version["Key"])
            if best is None or version["LastModified"] > best["LastModified"]:
                chosen[version["Key"]] = version
        for key, version in sorted(chosen.items()):
            self.s3.copy_object(
                Bucket=self.restored_bucket,
                Key=key,
                CopySource={"Bucket": self.source_bucket, "Key": key, "VersionId": version["VersionId"]},
            )
        step.details.update(
            target_bucket=self.restored_bucket,
            restored_to=iso(recovery_point),
            versions_examined=len(versions),
            delete_markers_ignored=len(markers),
            objects_copied=len(chosen),
            method="copy_object of each key's newest version at or before the recovery point",
        )
        self.s3_restore_started = start

    def inject_faults(self, step: Step) -> None:
        keys = sorted(self.data["s3"])
        removed = keys[: self.options.inject_loss]
        corrupted = keys[self.options.inject_loss : self.options.inject_loss + self.options.inject_corruption]
        for key in removed:
            self.s3.delete_object(Bucket=self.restored_bucket, Key=key)
        for key in corrupted:
            self.s3.put_object(Bucket=self.restored_bucket, Key=key, Body=b"corrupted by the drill's fault injection")
        step.details.update(deleted=removed, corrupted=corrupted)

    def s3_verify(self, step: Step) -> None:
        actual: dict[str, bytes] = {}
        for key in self.data["s3"]:
            try:
                actual[key] = self.s3.get_object(Bucket=self.restored_bucket, Key=key)["Body"].read()
            except ClientError as error:
                if not not_found(error):
                    raise
        self._record("s3: new bucket from object versions", self.expected["s3"], actual, self.s3_restore_started, step)

    # --- DynamoDB -----------------------------------------------------------------------------------------
    def _wait_table(self, table: str) -> None:
        self.ddb.get_waiter("table_exists").wait(
            TableName=table, WaiterConfig={"Delay": self.aws.wait_delay(10), "MaxAttempts": 120}
        )

    def ddb_create(self, step: Step) -> None:
        self.ddb.create_table(
            TableName=self.table,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            Tags=[
                {"Key": "jurisdiction", "Value": self.cell.code},
                {"Key": "purpose", "Value": "restore-drill"},
            ],
        )
        self.created["tables"].append(self.table)
        self._wait_table(self.table)
        self.ddb.update_continuous_backups(
            TableName=self.table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        )
        description = self.ddb.describe_continuous_backups(TableName=self.table)["ContinuousBackupsDescription"]
        status = description["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]
        if status != "ENABLED":
            raise StepFailed(f"point-in-time recovery is {status} on {self.table}")
        step.details.update(table=self.table, point_in_time_recovery=status)

    def ddb_write(self, step: Step) -> None:
        requests = [
            {"PutRequest": {"Item": {"pk": {"S": key}, "body": {"S": body.decode()}, "sha256": {"S": sha256(body)}}}}
            for key, body in self.data["dynamodb"].items()
        ]
        for start in range(0, len(requests), 25):
            pending: dict[str, Any] = {self.table: requests[start : start + 25]}
            for _ in range(10):
                unprocessed = self.ddb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
                if not unprocessed:
                    break
                pending = unprocessed
                time.sleep(0.2)
            else:
                raise StepFailed("batch_write_item left unprocessed items after 10 attempts")
        self.last_write_monotonic = time.monotonic()
        self.last_ddb_write = utc_now()
        step.details.update(items=len(requests))

    def ddb_backup(self, step: Step) -> None:
        details = self.ddb.create_backup(TableName=self.table, BackupName=f"{self.prefix}-backup")["BackupDetails"]
        arn = details["BackupArn"]
        self.created["backups"].append(arn)

        def available() -> bool:
            status = self.ddb.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]["BackupStatus"]
            return bool(status == "AVAILABLE")

        if not poll(available, timeout_seconds=600, interval_seconds=self.aws.wait_delay(10)):
            raise StepFailed(f"backup {arn} not AVAILABLE within 600s")
        self.backup_arn = arn
        self.recovery_points["dynamodb"] = details["BackupCreationDateTime"]
        step.details.update(backup_arn=arn, created=iso(details["BackupCreationDateTime"]))

    def ddb_pitr_window(self, step: Step) -> None:
        wait = self.options.pitr_wait_seconds
        if wait is None:
            wait = 0.0 if self.aws.is_custom_endpoint else 360.0

        def latest() -> dt.datetime:
            description = self.ddb.describe_continuous_backups(TableName=self.table)["ContinuousBackupsDescription"]
            return description["PointInTimeRecoveryDescription"]["LatestRestorableDateTime"]

        covered = poll(lambda: latest() >= self.last_ddb_write, timeout_seconds=wait, interval_seconds=10)
        restorable = latest()
        step.details.update(latest_restorable=iso(restorable), last_write=iso(self.last_ddb_write), waited_up_to=wait)
        if not covered:
            step.details["note"] = (
                "the endpoint's latest restorable time precedes the last write; the restore uses the latest "
                "restorable time and the checksum verification shows any record this misses"
            )
        self.recovery_points["dynamodb"] = max(self.recovery_points.get("dynamodb", restorable), restorable)

    def _scan(self, table: str) -> dict[str, bytes]:
        items: dict[str, bytes] = {}
        for page in self.ddb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
            for item in page.get("Items", []):
                items[item["pk"]["S"]] = item.get("body", {}).get("S", "").encode()
        return items

    def ddb_restore_backup(self, step: Step) -> None:
        start = time.monotonic()
        target = f"{self.table}-from-backup"
        self.ddb.restore_table_from_backup(TargetTableName=target, BackupArn=self.backup_arn)
        self.created["tables"].append(target)
        self._wait_table(target)
        step.details.update(target_table=target, backup_arn=self.backup_arn)
        self._record("dynamodb: new table from backup", self.expected["dynamodb"], self._scan(target), start, step)

    def ddb_restore_pitr(self, step: Step) -> None:
        start = time.monotonic()
        target = f"{self.table}-pitr"
        self.ddb.restore_table_to_point_in_time(
            SourceTableName=self.table, TargetTableName=target, UseLatestRestorableTime=True
        )
        self.created["tables"].append(target)
        self._wait_table(target)
        step.details.update(target_table=target, restore_time="latest restorable time before the incident")
        self._record(
            "dynamodb: new table from point in time",
            self.expected["dynamodb"],
            self._scan(target),
            start,
            step,
        )

    # --- RDS ----------------------------------------------------------------------------------------------
    def _fingerprint(self, instance: dict[str, Any]) -> str:
        tags = {tag["Key"]: tag["Value"] for tag in instance.get("TagList", [])}
        facts = {
            "engine": instance.get("Engine"),
            "allocated_storage": instance.get("AllocatedStorage"),
            "storage_encrypted": instance.get("StorageEncrypted"),
            "instance_class": instance.get("DBInstanceClass"),
            "drill_id": tags.get("drill-id"),
        }
        return sha256(json.dumps(facts, sort_keys=True).encode())

    def _wait_instance(self, identifier: str) -> dict[str, Any]:
        self.rds.get_waiter("db_instance_available").wait(
            DBInstanceIdentifier=identifier,
            WaiterConfig={"Delay": self.aws.wait_delay(30), "MaxAttempts": 120},
        )
        return self.rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]

    def rds_create(self, step: Step) -> None:
        self.rds.create_db_instance(
            DBInstanceIdentifier=self.instance,
            Engine="postgres",
            DBInstanceClass="db.t4g.micro",
            AllocatedStorage=20,
            MasterUsername="drill_admin",
            MasterUserPassword=secrets.token_urlsafe(24),
            StorageEncrypted=True,
            BackupRetentionPeriod=1,
            CopyTagsToSnapshot=True,
            Tags=[
                {"Key": "jurisdiction", "Value": self.cell.code},
                {"Key": "drill-id", "Value": self.drill_id},
            ],
        )
        self.created["instances"].append(self.instance)
        source = self._wait_instance(self.instance)
        self.source_fingerprint = self._fingerprint(source)
        step.details.update(instance=self.instance, fingerprint=self.source_fingerprint)

    def rds_snapshot(self, step: Step) -> None:
        snapshot_id = f"{self.instance}-snap"
        self.rds.create_db_snapshot(DBSnapshotIdentifier=snapshot_id, DBInstanceIdentifier=self.instance)
        self.created["snapshots"].append(snapshot_id)
        self.rds.get_waiter("db_snapshot_available").wait(
            DBSnapshotIdentifier=snapshot_id,
            WaiterConfig={"Delay": self.aws.wait_delay(30), "MaxAttempts": 120},
        )
        snapshot = self.rds.describe_db_snapshots(DBSnapshotIdentifier=snapshot_id)["DBSnapshots"][0]
        self.snapshot_id = snapshot_id
        self.recovery_points["rds"] = snapshot["SnapshotCreateTime"]
        step.details.update(snapshot=snapshot_id, created=iso(snapshot["SnapshotCreateTime"]))

    def rds_restore(self, step: Step) -> None:
        start = time.monotonic()
        target = f"{self.instance}-restored"
        self.rds.restore_db_instance_from_db_snapshot(
            DBInstanceIdentifier=target, DBSnapshotIdentifier=self.snapshot_id, DBInstanceClass="db.t4g.micro"
        )
        self.created["instances"].append(target)
        restored = self._wait_instance(target)
        fingerprint = self._fingerprint(restored)
        elapsed = time.monotonic() - start
        step.details.update(
            target_instance=target,
            fingerprint=fingerprint,
            time_to_restore_seconds=round(elapsed, 3),
            verification="instance attributes by SHA-256 (rows need a SQL connection the drill never opens)",
        )
        self.rds_time_to_restore = elapsed
        if fingerprint != self.source_fingerprint:
            raise StepFailed(f"restored instance {target} differs from the source (attribute checksum mismatch)")

    # --- shared -------------------------------------------------------------------------------------------
    def _record(
        self, target: str, expected: dict[str, str], actual: dict[str, bytes], start: float, step: Step
    ) -> None:
        result = verify(target, expected, actual)
        result.time_to_restore_seconds = time.monotonic() - start
        self.verifications[target] = result
        step.details["verification"] = result.as_dict()
        if result.lost:
            raise StepFailed(f"{result.lost} of {result.written} records lost (missing or checksum mismatch)")

    def declare_incident(self, step: Step) -> None:
        if self.selected("s3") and self.last_write_monotonic:
            gap = S3_TIMESTAMP_RESOLUTION_SECONDS - (time.monotonic() - self.last_write_monotonic)
            if gap > 0:
                time.sleep(gap)
        self.incident_at = utc_now()
        self.incident_monotonic = time.monotonic()
        step.details["incident_at"] = iso(self.incident_at)

    def cleanup(self, step: Step) -> None:
        if self.options.keep:
            raise StepSkipped("--keep: " + json.dumps(self.created, sort_keys=True))
        errors: list[str] = []
        for bucket in self.created["buckets"]:
            try:
                versions, markers = self._versions(bucket)
                objects = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in versions + markers]
                for start in range(0, len(objects), 1000):
                    self.s3.delete_objects(Bucket=bucket, Delete={"Objects": objects[start : start + 1000]})
                self.s3.delete_bucket(Bucket=bucket)
            except ClientError as error:
                errors.append(f"bucket {bucket}: {error}")
        for table in self.created["tables"]:
            try:
                self.ddb.delete_table(TableName=table)
            except ClientError as error:
                errors.append(f"table {table}: {error}")
        for arn in self.created["backups"]:
            try:
                self.ddb.delete_backup(BackupArn=arn)
            except ClientError as error:
                errors.append(f"backup {arn}: {error}")
        for instance in self.created["instances"]:
            try:
                self.rds.delete_db_instance(
                    DBInstanceIdentifier=instance, SkipFinalSnapshot=True, DeleteAutomatedBackups=True
                )
            except ClientError as error:
                errors.append(f"instance {instance}: {error}")
        for snapshot in self.created["snapshots"]:
            try:
                self.rds.delete_db_snapshot(DBSnapshotIdentifier=snapshot)
            except ClientError as error:
                errors.append(f"snapshot {snapshot}: {error}")
        step.details["deleted"] = self.created
        if errors:
            raise StepFailed("; ".join(errors))

    def run(self) -> DrillOutcome:
        """Every step in order; a step whose prerequisite did not complete is skipped; cleanup always runs."""
        run = self.run_log
        run.measure("region", self.region)
        run.measure("drill_id", self.drill_id)
        note_prefix = (
            "AWS Backup restore job not available on this endpoint"
            if self.aws.is_custom_endpoint
            else "AWS Backup restore jobs are not exercised by this drill"
        )
        s3_steps = dynamodb_steps = rds_steps = None
        unselected = "not selected (--stores)"
        # Write and back up.
        if self.selected("s3"):
            run.note(f"{note_prefix}; used S3 object versions (versioned bucket) for the records store")
            run.step("s3: create versioned source bucket", self.s3_create)
            run.step("s3: write known objects", self.s3_write, needs=["s3: create versioned source bucket"])
            run.step(
                "s3: recovery point (object versions)",
                self.s3_recovery_point,
                needs=["s3: write known objects"],
            )
            s3_steps = "s3: recovery point (object versions)"
        if self.selected("dynamodb"):
            run.note(f"{note_prefix}; used DynamoDB native backup (create_backup) and point-in-time recovery")
            run.step("dynamodb: create table with point-in-time recovery", self.ddb_create)
            run.step(
                "dynamodb: write known items",
                self.ddb_write,
                needs=["dynamodb: create table with point-in-time recovery"],
            )
            run.step("dynamodb: create_backup", self.ddb_backup, needs=["dynamodb: write known items"])
            run.step(
                "dynamodb: point-in-time recovery window",
                self.ddb_pitr_window,
                needs=["dynamodb: write known items"],
            )
            dynamodb_steps = "dynamodb: create_backup"
        if self.selected("rds"):
            run.note(f"{note_prefix}; used the RDS native snapshot (create_db_snapshot)")
            run.step("rds: create source instance", self.rds_create)
            run.step("rds: create_db_snapshot", self.rds_snapshot, needs=["rds: create source instance"])
            rds_steps = "rds: create_db_snapshot"
        # The incident.
        run.step("incident: declare", self.declare_incident)
        if self.selected("s3"):
            run.step("incident: overwrite and delete source objects", self.s3_incident, needs=[s3_steps])
        incident = self.incident_at or utc_now()
        rpo = {store: round((incident - point).total_seconds(), 3) for store, point in self.recovery_points.items()}
        # Restore into new resources and verify.
        if self.selected("s3"):
            run.step("s3: restore object versions into a new bucket", self.s3_restore, needs=[s3_steps])
            faults = self.options.inject_loss + self.options.inject_corruption
            run.step(
                "fault injection: delete/corrupt restored objects",
                self.inject_faults,
                needs=["s3: restore object versions into a new bucket"],
                skip="" if faults else "no fault injection requested",
            )
            run.step(
                "s3: verify SHA-256 of every object",
                self.s3_verify,
                needs=["s3: restore object versions into a new bucket"],
            )
        else:
            run.step("s3: restore object versions into a new bucket", self.s3_restore, skip=unselected)
        if self.selected("dynamodb"):
            run.step(
                "dynamodb: restore_table_from_backup + verify SHA-256",
                self.ddb_restore_backup,
                needs=[dynamodb_steps],
            )
            run.step(
                "dynamodb: restore_table_to_point_in_time + verify SHA-256",
                self.ddb_restore_pitr,
                needs=["dynamodb: point-in-time recovery window"],
            )
        else:
            run.step(
                "dynamodb: restore_table_from_backup + verify SHA-256",
                self.ddb_restore_backup,
                skip=unselected,
            )
        if self.selected("rds"):
            run.step("rds: restore_db_instance_from_db_snapshot + verify", self.rds_restore, needs=[rds_steps])
        else:
            run.step("rds: restore_db_instance_from_db_snapshot + verify", self.rds_restore, skip=unselected)
        restore_finished = time.monotonic()
        run.step("cleanup: delete what the drill created", self.cleanup)
        return self._finish(rpo, restore_finished)

    def _finish(self, rpo: dict[str, float], restore_finished: float) -> DrillOutcome:
        run = self.run_log
        written = sum(len(self.data[kind]) for kind in ("s3", "dynamodb") if self.selected(kind))
        lost = sum(result.lost for result in self.verifications.values())
        restored = sum(result.restored for result in self.verifications.values())
        run.measure("records_written", written)
        run.measure("records_expected_across_restore_targets", sum(r.written for r in self.verifications.values()))
        run.measure("records_restored", restored)
        run.measure("records_lost", lost)
        run.measure("restore_targets", {name: result.as_dict() for name, result in self.verifications.items()})
        run.measure("rpo_seconds", rpo)
        times: dict[str, float] = {}
        for name, result in self.verifications.items():
            store = name.split(":")[0]
            times[store] = max(times.get(store, 0.0), result.time_to_restore_seconds)
        if hasattr(self, "rds_time_to_restore"):
            times["rds"] = self.rds_time_to_restore
        run.measure("time_to_restore_seconds", {store: round(value, 3) for store, value in times.items()})
        if self.incident_monotonic:
            run.measure("incident_to_all_restored_seconds", round(restore_finished - self.incident_monotonic, 3))
        judged: dict[str, dict[str, Any]] = {}
        problems: list[str] = []
        for tier, target in RESTORE_TARGETS.items():
            stores = [store for store in target.stores if self.selected(store)]
            if not stores:
                continue
            tier_rpo = max((rpo[store] for store in stores if store in rpo), default=None)
            tier_rto = max((times[store] for store in stores if store in times), default=None)
            rpo_ok = tier_rpo is not None and tier_rpo <= target.rpo_seconds
            rto_ok = tier_rto is not None and tier_rto <= target.rto_seconds
            judged[tier] = {
                "stores": stores,
                "rpo_seconds": tier_rpo,
                "rpo_target_seconds": target.rpo_seconds,
                "rpo_met": rpo_ok,
                "rto_seconds": None if tier_rto is None else round(tier_rto, 3),
                "rto_target_seconds": target.rto_seconds,
                "rto_met": rto_ok,
            }
            if not rpo_ok:
                problems.append(f"{tier} RPO {tier_rpo}s not within {target.rpo_seconds}s")
            if not rto_ok:
                problems.append(f"{tier} time to restore {tier_rto}s not within {target.rto_seconds}s")
        run.measure("tiers", judged)
        run.note(
            "RTO per tier is the longest time to restore of its stores (restore call to verified data); the "
            "drill restores stores one after another, so incident_to_all_restored_seconds is the serial total"
        )
        if lost:
            problems.insert(0, f"{lost} record(s) lost")
        failed = run.failed_steps
        if failed:
            problems.append(f"{len(failed)} step(s) failed, first: {failed[0].name}: {failed[0].reason}")
        passed = not problems
        verdict = (
            f"{restored} records restored and verified by SHA-256, 0 lost; RPO and time to restore within targets"
            if passed
            else "; ".join(problems)
        )
        report = run.finish(passed, verdict)
        json_path, markdown_path = report.write(self.reports_dir)
        return DrillOutcome(report, json_path, markdown_path)


def run_restore(
    jurisdiction: str,
    endpoint_url: str | None = None,
    *,
    options: RestoreOptions | None = None,
    reports_dir: Path = DEFAULT_REPORTS_DIR,
    echo: Callable[[str], None] | None = None,
    aws: Aws | None = None,
) -> DrillOutcome:
    """Run the restore drill for a jurisdiction's primary region; the report is written to `reports_dir`."""
    options = options or RestoreOptions()
    resolve_jurisdiction(jurisdiction)
    unknown = sorted(set(options.stores) - set(STORES))
    if unknown or not options.stores:
        raise TrustFabricError(
            f"--stores: unknown store(s) {', '.join(unknown) or '(none)'}; allowed: {', '.join(STORES)}"
        )
    if options.objects < 1 or options.items < 1:
        raise TrustFabricError("--objects and --items must be at least 1")
    if options.inject_loss < 0 or options.inject_corruption < 0:
        raise TrustFabricError("--inject-loss and --inject-corruption must be 0 or more")
    if options.inject_loss + options.inject_corruption > options.objects:
        raise TrustFabricError("--inject-loss + --inject-corruption cannot exceed --objects")
    aws = aws or Aws.connect(endpoint_url, probe_region=resolve_jurisdiction(jurisdiction).primary_region)
    return RestoreDrill(jurisdiction, aws, options, reports_dir, echo=echo).run()
