"""`drill failover` / `drill failback`: move a jurisdiction cell to its standby region and back, and time it.

Failover, in the order the architecture requires (never depending on the failed region's control plane):

1. **Readiness** (read-only): the ledger table's replica (or same-named table) is ACTIVE in the standby
   region; the records bucket replicates to the standby region's bucket (versioned); recent recovery points
   exist in the standby region (DynamoDB point-in-time recovery and backups); the ledger database has a
   replica in the standby region (RDS read replica or Aurora global cluster member); Route53 health checks
   exist for both failover records and the standby's reports healthy. With `primary_down` the checks that call
   the primary region are skipped (the region is declared lost), and the drill proceeds on the standby region
   and Route53 alone.
2. **Data plane**: one Route53 change batch UPSERTs the failover records so the standby region's record is
   PRIMARY (and the failed region's SECONDARY); the drill waits for INSYNC and verifies with the hosted zone's
   record sets that the answering record is the standby region's endpoint, and that its health check is
   healthy.
3. **Promotion** where the API allows: `promote_read_replica` for the RDS read replica;
   `failover_global_cluster` (primary down) or `switchover_global_cluster` for an Aurora global cluster
   (skipped with the reason where the endpoint does not implement it, as moto); DynamoDB global tables and S3
   replicas need no promotion (said so).
4. **Verification** that the standby stores serve, then the measured RTO (drill start to stores serving) per
   tier against the tiers' failover targets (`FAILOVER_TARGETS`), and the exact reconcile step for the
   operator: `pulumi config set trust-fabric:role active -s dr && pulumi up -s dr` (the drill never runs it).

Failback reverses it: readiness of the primary region, the records back to PRIMARY = primary region, the
database replica re-established from the primary (a final snapshot of the standby writer is kept), and the
reconcile `pulumi config set trust-fabric:role standby -s dr && pulumi up -s dr && pulumi preview -s prod`.

Usage::

    from trustfabric.drills.failover import FailoverOptions, run_failover

    outcome = run_failover("UK", endpoint_url="http://127.0.0.1:5000", options=FailoverOptions(seed=True))
    print(outcome.report.measurements["rto_seconds"], outcome.exit_code)
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from domain.naming import PRIMARY_DEPLOYMENT
from trustfabric.errors import TrustFabricError

from .common import (
    FAILOVER_TARGETS,
    RECONCILE_FAILBACK,
    RECONCILE_FAILOVER,
    Aws,
    CellNames,
    not_found,
    poll,
    resolve_jurisdiction,
    unsupported,
)
from .report import DrillRun, Step, StepFailed, StepSkipped, utc_now
from .restore import DEFAULT_REPORTS_DIR, DrillOutcome
from .seed import seed_environment

RECENT_BACKUP_SECONDS = 24 * 3600
"""A standby-region backup younger than this counts as a recent recovery point: the period of the daily
statutory rule, the one every tier copies into the standby region (domain.tiers)."""


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


def _healthy(route53: Any, check_id: str) -> tuple[bool, str]:
    """Whether most Route53 checkers report the health check's endpoint healthy, and the first report."""
    observations = route53.get_health_check_status(HealthCheckId=check_id)["HealthCheckObservations"]
    reports = [observation.get("StatusReport", {}).get("Status", "") for observation in observations]
    healthy = sum(1 for report in reports if report.startswith("Success"))
    return bool(reports) and healthy * 2 > len(reports), (reports[0] if reports else "no observations")


class FailoverDrill:
    """One failover (`direction="failover"`) or failback (`direction="failback"`) run."""

    def __init__(
        self,
        jurisdiction: str,
        aws: Aws,
        options: FailoverOptions,
        reports_dir: Path,
        direction: str = "failover",
        echo: Callable[[str], None] | None = None,
    ) -> None:
        self.cell = resolve_jurisdiction(jurisdiction)
        self.aws = aws
        self.options = options
        self.reports_dir = reports_dir
        self.direction = direction
        self.echo = echo
        self.names = CellNames.of(self.cell, aws.account_id, options.deployment)
        if direction == "failover":
            self.source, self.target = self.names.primary, self.names.standby
        else:
            self.source, self.target = self.names.standby, self.names.primary
        self.run_log = DrillRun(direction, self.cell.code, aws.endpoint_url, echo=echo)
        self.route53 = aws.route53()
        self.zone_id = ""
        self.records: dict[str, dict[str, Any]] = {}
        self.serving_at: dict[str, float] = {}
        self.recovery_point_age: float | None = None

    def client(self, service: str, region: str) -> Any:
        return self.aws.client(service, region)

    def source_lost(self) -> str:
        """The skip reason for calls to the region being left, when it is declared lost."""
        return f"{self.source} declared lost (--primary-down); not called" if self.options.primary_down else ""

    # --- readiness ----------------------------------------------------------------------------------------
    def ready_table(self, step: Step) -> None:
        table = self.names.table
        if not self.options.primary_down:
            try:
                source = self.client("dynamodb", self.source).describe_table(TableName=table)["Table"]
                replicas = [replica["RegionName"] for replica in source.get("Replicas", [])]
                step.details["replicas_listed_by_source"] = replicas
            except ClientError as error:
                if not not_found(error):
                    raise
                step.details["source_table"] = f"not found in {self.source}"
        try:
            target = self.client("dynamodb", self.target).describe_table(TableName=table)["Table"]
        except ClientError as error:
            if not_found(error):
                raise StepFailed(f"no table {table} in {self.target}") from None
            raise
        if target["TableStatus"] != "ACTIVE":
            raise StepFailed(f"table {table} in {self.target} is {target['TableStatus']}, not ACTIVE")
        kind = (
            "global table replica"
            if self.target in step.details.get("replicas_listed_by_source", [])
            else ("table of the same name (no global-table replica listed)")
        )
        step.details.update(table=table, region=self.target, status=target["TableStatus"], kind=kind)

    def ready_bucket(self, step: Step) -> None:
        target_bucket = self.names.records_bucket(self.target)
        target_s3 = self.client("s3", self.target)
        try:
            versioning = target_s3.get_bucket_versioning(Bucket=target_bucket).get("Status")
        except ClientError as error:
            if not_found(error):
                raise StepFailed(f"no bucket {target_bucket} in {self.target}") from None
            raise
        if versioning != "Enabled":
            raise StepFailed(f"bucket {target_bucket} versioning is {versioning!r}, not Enabled")
        step.details.update(target_bucket=target_bucket, versioning=versioning)
        if self.options.primary_down:
            step.details["replication_configuration"] = self.source_lost()
            return
        source_bucket = self.names.records_bucket(self.source)
        try:
            config = self.client("s3", self.source).get_bucket_replication(Bucket=source_bucket)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if self.direction == "failback" and code == "ReplicationConfigurationNotFoundError":
                # The standby bucket does not replicate back (prod owns replication): the primary must exist.
                step.details["replication_configuration"] = f"none on {source_bucket} (expected for failback)"
                return
            raise
        rules = config["ReplicationConfiguration"].get("Rules", [])
        destinations = [rule["Destination"]["Bucket"] for rule in rules if rule.get("Status") == "Enabled"]
        if f"arn:aws:s3:::{target_bucket}" not in destinations:
            raise StepFailed(f"{source_bucket} does not replicate to {target_bucket} (rules to {destinations})")
        step.details.update(source_bucket=source_bucket, replicates_to=destinations)

    def ready_recovery_points(self, step: Step) -> None:
        ddb = self.client("dynamodb", self.target)
        table = self.names.table
        now = utc_now()
        description = ddb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
        pitr = description.get("PointInTimeRecoveryDescription", {})
        ages: dict[str, float] = {}
        if pitr.get("PointInTimeRecoveryStatus") == "ENABLED" and pitr.get("LatestRestorableDateTime"):
            ages["point_in_time_recovery"] = (now - pitr["LatestRestorableDateTime"]).total_seconds()
        backups = ddb.list_backups(TableName=table).get("BackupSummaries", [])
        available = [b for b in backups if b.get("BackupStatus") == "AVAILABLE"]
        if available:
            newest: dt.datetime = max(b["BackupCreationDateTime"] for b in available)
            ages["newest_backup"] = (now - newest).total_seconds()
        step.details.update(
            region=self.target,
            point_in_time_recovery=pitr.get("PointInTimeRecoveryStatus", "DISABLED"),
            backups=len(available),
            recovery_point_age_seconds={kind: round(age, 3) for kind, age in ages.items()},
        )
        pitr_ok = "point_in_time_recovery" in ages
        backup_ok = ages.get("newest_backup", float("inf")) <= RECENT_BACKUP_SECONDS
        if not (pitr_ok or backup_ok):
            raise StepFailed(
                f"no recent recovery point for {table} in {self.target}: PITR "
                f"{pitr.get('PointInTimeRecoveryStatus', 'DISABLED')}, "
                f"newest backup age {ages.get('newest_backup')}"
            )
        self.recovery_point_age = min(ages.values())
        step.details["note"] = (
            "AWS Backup recovery points are not listed on a stand-in endpoint; used DynamoDB native backups and PITR"
            if self.aws.is_custom_endpoint
            else "DynamoDB native backups and PITR (AWS Backup recovery points: see runbooks/restore.md)"
        )

    def _global_cluster(self) -> dict[str, Any] | None:
        rds = self.client("rds", self.target)
        try:
            clusters = rds.describe_global_clusters(GlobalClusterIdentifier=self.names.global_cluster)
        except ClientError as error:
            if not_found(error) or unsupported(error):
                return None
            raise
        except BotoCoreError:  # an endpoint without the API answers with an unparseable error page
            return None
        found = clusters.get("GlobalClusters", [])
        return found[0] if found else None

    def ready_database(self, step: Step) -> None:
        rds = self.client("rds", self.target)
        self.global_cluster = self._global_cluster()
        if self.global_cluster is not None:
            members = [m["DBClusterArn"] for m in self.global_cluster.get("GlobalClusterMembers", [])]
            if not any(f":{self.target}:" in member for member in members):
                raise StepFailed(f"global cluster {self.names.global_cluster} has no member in {self.target}")
            step.details.update(global_cluster=self.names.global_cluster, members=members)
        try:
            instance = rds.describe_db_instances(DBInstanceIdentifier=self.names.database)["DBInstances"][0]
        except ClientError as error:
            if not not_found(error):
                raise
            instance = None
        self.instance = instance
        if instance is not None:
            step.details.update(
                instance=self.names.database,
                region=self.target,
                status=instance["DBInstanceStatus"],
                replica_of=instance.get("ReadReplicaSourceDBInstanceIdentifier"),
            )
        if self.direction == "failback":
            if instance is None and self.global_cluster is None:
                raise StepFailed(f"no database {self.names.database} in {self.target} to take the writer role back")
            return
        if self.global_cluster is None and (
            instance is None or not instance.get("ReadReplicaSourceDBInstanceIdentifier")
        ):
            raise StepFailed(
                f"no read replica {self.names.database} and no Aurora global cluster member in {self.target}"
            )

    def _find_records(self) -> dict[str, dict[str, Any]]:
        zones = self.route53.list_hosted_zones_by_name(DNSName=self.names.zone, MaxItems="1")["HostedZones"]
        if not zones or zones[0]["Name"].rstrip(".") != self.names.zone:
            raise StepFailed(f"no hosted zone {self.names.zone}")
        self.zone_id = zones[0]["Id"]
        records: dict[str, dict[str, Any]] = {}
        paginator = self.route53.get_paginator("list_resource_record_sets")
        for page in paginator.paginate(HostedZoneId=self.zone_id):
            for record in page["ResourceRecordSets"]:
                if record["Name"].rstrip(".") == self.names.record and record.get("Failover"):
                    records[record["SetIdentifier"]] = record
        return records

    def ready_routing(self, step: Step) -> None:
        self.records = self._find_records()
        wanted = {self.names.set_identifier(self.source), self.names.set_identifier(self.target)}
        missing = sorted(wanted - set(self.records))
        if missing:
            raise StepFailed(f"no failover record {', '.join(missing)} for {self.names.record} in {self.names.zone}")
        checks: dict[str, str] = {}
        for set_id in sorted(wanted):
            check_id = self.records[set_id].get("HealthCheckId")
            if not check_id:
                raise StepFailed(f"failover record {set_id} has no health check")
            self.route53.get_health_check(HealthCheckId=check_id)
            checks[set_id] = check_id
        healthy, report = _healthy(self.route53, checks[self.names.set_identifier(self.target)])
        step.details.update(
            zone=self.names.zone,
            zone_id=self.zone_id,
            records={set_id: self.records[set_id]["Failover"] for set_id in sorted(wanted)},
            health_checks=checks,
            target_health=report,
        )
        if not healthy:
            raise StepFailed(f"health check of {self.target} is not healthy: {report}")

    # --- data plane ---------------------------------------------------------------------------------------
    def move_traffic(self, step: Step) -> None:
        changes = []
        for region, failover in ((self.target, "PRIMARY"), (self.source, "SECONDARY")):
            record = dict(self.records[self.names.set_identifier(region)])
            record["Failover"] = failover
            changes.append({"Action": "UPSERT", "ResourceRecordSet": record})
        change = self.route53.change_resource_record_sets(
            HostedZoneId=self.zone_id,
            ChangeBatch={
                "Comment": f"trustfabric drill {self.direction} {self.cell.code}",
                "Changes": changes,
            },
        )["ChangeInfo"]

        def in_sync() -> bool:
            return bool(self.route53.get_change(Id=change["Id"])["ChangeInfo"]["Status"] == "INSYNC")

        synced = poll(in_sync, self.options.change_timeout_seconds, self.aws.wait_delay(5))
        step.details.update(change_id=change["Id"], primary=self.target, secondary=self.source, insync=synced)
        if not synced:
            raise StepFailed(f"change {change['Id']} not INSYNC within {self.options.change_timeout_seconds}s")

    def verify_traffic(self, step: Step) -> None:
        records = self._find_records()
        primary = [record for record in records.values() if record["Failover"] == "PRIMARY"]
        if len(primary) != 1:
            raise StepFailed(f"{len(primary)} PRIMARY records for {self.names.record}")
        answering = primary[0]
        values = [value["Value"] for value in answering.get("ResourceRecords", [])]
        healthy, report = _healthy(self.route53, answering["HealthCheckId"])
        step.details.update(
            record=self.names.record,
            answering_set_identifier=answering["SetIdentifier"],
            answering_values=values,
            answering_health=report,
            record_sets={set_id: record["Failover"] for set_id, record in sorted(records.items())},
        )
        if answering["SetIdentifier"] != self.names.set_identifier(self.target) or values != [
            self.names.endpoint(self.target)
        ]:
            raise StepFailed(f"{self.names.record} still answers with {values}")
        if not healthy:
            raise StepFailed(f"the answering record's health check is not healthy: {report}")
        self.serving_at["traffic"] = self.run_log.elapsed()

    # --- promotion ----------------------------------------------------------------------------------------
    def promote_database(self, step: Step) -> None:
        rds = self.client("rds", self.target)
        instance = getattr(self, "instance", None)
        if instance is None or not instance.get("ReadReplicaSourceDBInstanceIdentifier"):
            raise StepSkipped(f"no RDS read replica {self.names.database} in {self.target}")
        rds.promote_read_replica(DBInstanceIdentifier=self.names.database, BackupRetentionPeriod=7)

        def standalone() -> bool:
            now = rds.describe_db_instances(DBInstanceIdentifier=self.names.database)["DBInstances"][0]
            return bool(now["DBInstanceStatus"] == "available" and not now.get("ReadReplicaSourceDBInstanceIdentifier"))

        timeout = 0.0 if self.aws.is_custom_endpoint else self.options.promote_timeout_seconds
        if not self.aws.is_custom_endpoint:
            time.sleep(5)  # the instance leaves `available` only after the call returns
        promoted = poll(standalone, timeout, self.aws.wait_delay(30))
        now = rds.describe_db_instances(DBInstanceIdentifier=self.names.database)["DBInstances"][0]
        step.details.update(
            instance=self.names.database,
            region=self.target,
            status=now["DBInstanceStatus"],
            still_reports_source=now.get("ReadReplicaSourceDBInstanceIdentifier"),
        )
        if not promoted:
            if self.aws.is_custom_endpoint and now["DBInstanceStatus"] == "available":
                step.details["note"] = (
                    "promote_read_replica succeeded; this endpoint (moto) keeps reporting "
                    "ReadReplicaSourceDBInstanceIdentifier after promotion"
                )
            else:
                raise StepFailed(f"{self.names.database} not a standalone writer within {timeout}s")
        self.serving_at["rds"] = self.run_log.elapsed()

    def promote_global_cluster(self, step: Step) -> None:
        cluster = getattr(self, "global_cluster", None)
        if cluster is None:
            reason = f"no Aurora global cluster {self.names.global_cluster} on this endpoint"
            if self.aws.is_custom_endpoint:
                reason += (
                    "; moto implements neither failover_global_cluster nor switchover_global_cluster, "
                    "so the drill promotes the RDS read replica instead"
                )
            raise StepSkipped(reason)
        rds = self.client("rds", self.target)
        member = next(
            m["DBClusterArn"] for m in cluster["GlobalClusterMembers"] if f":{self.target}:" in m["DBClusterArn"]
        )
        try:
            if self.options.primary_down:
                rds.failover_global_cluster(
                    GlobalClusterIdentifier=self.names.global_cluster,
                    TargetDbClusterIdentifier=member,
                    AllowDataLoss=True,
                )
                step.details["call"] = "failover_global_cluster (AllowDataLoss: the primary is lost)"
            else:
                rds.switchover_global_cluster(
                    GlobalClusterIdentifier=self.names.global_cluster, TargetDbClusterIdentifier=member
                )
                step.details["call"] = "switchover_global_cluster (planned, no data loss)"
        except (ClientError, BotoCoreError) as error:
            if isinstance(error, BotoCoreError) or unsupported(error):
                raise StepSkipped(f"global cluster failover not supported on this endpoint: {error}") from None
            raise
        step.details["target_cluster"] = member
        self.serving_at["rds"] = self.run_log.elapsed()

    def promote_table(self, step: Step) -> None:
        raise StepSkipped("DynamoDB global table replicas are multi-active: there is no promotion call")

    def promote_bucket(self, step: Step) -> None:
        raise StepSkipped(
            "S3 replicas need no promotion: the standby bucket serves reads; writers move with the reconcile"
        )

    # --- verification -------------------------------------------------------------------------------------
    def verify_stores(self, step: Step) -> None:
        ddb = self.client("dynamodb", self.target)
        table = ddb.describe_table(TableName=self.names.table)["Table"]
        scanned = ddb.scan(TableName=self.names.table, Limit=1, ConsistentRead=True)
        if table["TableStatus"] != "ACTIVE":
            raise StepFailed(f"table {self.names.table} in {self.target} is {table['TableStatus']}")
        self.serving_at["dynamodb"] = self.run_log.elapsed()
        bucket = self.names.records_bucket(self.target)
        listed = self.client("s3", self.target).list_objects_v2(Bucket=bucket, MaxKeys=1)
        self.serving_at["s3"] = self.run_log.elapsed()
        details: dict[str, Any] = {
            "dynamodb": f"{self.names.table} ACTIVE, read {scanned.get('Count', 0)} item(s)",
            "s3": f"{bucket} listed {listed.get('KeyCount', 0)} object(s)",
        }
        rds = self.client("rds", self.target)
        try:
            instance = rds.describe_db_instances(DBInstanceIdentifier=self.names.database)["DBInstances"][0]
            if instance["DBInstanceStatus"] != "available":
                raise StepFailed(f"database {self.names.database} in {self.target} is {instance['DBInstanceStatus']}")
            details["rds"] = f"{self.names.database} {instance['DBInstanceStatus']}"
            self.serving_at["rds"] = max(self.serving_at.get("rds", 0.0), self.run_log.elapsed())
        except ClientError as error:
            if not not_found(error) or getattr(self, "global_cluster", None) is None:
                raise
        step.details.update(details)

    # --- failback only ------------------------------------------------------------------------------------
    def reestablish_replica(self, step: Step) -> None:
        """After failback, the standby database becomes a read replica of the primary again."""
        standby_region = self.names.standby
        standby = self.client("rds", standby_region)
        primary = self.client("rds", self.names.primary)
        if getattr(self, "global_cluster", None) is not None:
            raise StepSkipped("Aurora global cluster: the switchover made the primary region the writer again")
        source = primary.describe_db_instances(DBInstanceIdentifier=self.names.database)["DBInstances"][0]
        try:
            current = standby.describe_db_instances(DBInstanceIdentifier=self.names.database)["DBInstances"][0]
        except ClientError as error:
            if not not_found(error):
                raise
            current = None
        if current is not None and current.get("ReadReplicaSourceDBInstanceIdentifier"):
            if not self.aws.is_custom_endpoint:
                raise StepSkipped(f"{self.names.database} in {standby_region} is still a read replica: nothing to do")
            step.details["note"] = (
                "this endpoint (moto) reports a replication source even after promotion; re-created the replica"
            )
        final_snapshot = ""
        if current is not None:
            final_snapshot = f"{self.names.database}-failback-{utc_now().strftime('%Y%m%d%H%M%S')}"
            standby.delete_db_instance(
                DBInstanceIdentifier=self.names.database, FinalDBSnapshotIdentifier=final_snapshot
            )
            standby.get_waiter("db_instance_deleted").wait(
                DBInstanceIdentifier=self.names.database,
                WaiterConfig={"Delay": self.aws.wait_delay(30), "MaxAttempts": 120},
            )
        standby.create_db_instance_read_replica(
            DBInstanceIdentifier=self.names.database,
            SourceDBInstanceIdentifier=source["DBInstanceArn"],
            SourceRegion=self.names.primary,
        )
        standby.get_waiter("db_instance_available").wait(
            DBInstanceIdentifier=self.names.database,
            WaiterConfig={"Delay": self.aws.wait_delay(30), "MaxAttempts": 120},
        )
        replica = standby.describe_db_instances(DBInstanceIdentifier=self.names.database)["DBInstances"][0]
        if not replica.get("ReadReplicaSourceDBInstanceIdentifier"):
            raise StepFailed(f"{self.names.database} in {standby_region} is not a read replica after re-creation")
        step.details.update(
            replica=self.names.database,
            region=standby_region,
            replica_of=replica["ReadReplicaSourceDBInstanceIdentifier"],
            final_snapshot_of_standby_writer=final_snapshot or None,
        )

    # --- the run ------------------------------------------------------------------------------------------
    def run(self) -> DrillOutcome:
        run = self.run_log
        run.measure("source_region", self.source)
        run.measure("target_region", self.target)
        run.measure("primary_down", self.options.primary_down)
        lost = self.source_lost()
        replica = "replica" if self.direction == "failover" else "writer"
        readiness = [
            f"readiness: ledger table in {self.target}",
            f"readiness: records bucket (replicated) in {self.target}",
            f"readiness: recent recovery points in {self.target}",
            f"readiness: ledger database {replica} in {self.target}",
            "readiness: route53 health checks and failover records",
        ]
        run.step(readiness[0], self.ready_table)
        run.step(readiness[1], self.ready_bucket)
        run.step(readiness[2], self.ready_recovery_points)
        run.step(readiness[3], self.ready_database)
        run.step(readiness[4], self.ready_routing)
        moved = f"data plane: route53 failover records UPSERT (PRIMARY -> {self.target})"
        run.step(moved, self.move_traffic, needs=readiness)
        run.step("data plane: verify answering record in the hosted zone", self.verify_traffic, needs=[moved])
        if self.direction == "failover":
            run.step(f"promote: rds read replica in {self.target}", self.promote_database, needs=[moved])
            run.step(f"promote: aurora global cluster to {self.target}", self.promote_global_cluster, needs=[moved])
            run.step("promote: dynamodb global table replica", self.promote_table, needs=[moved])
            run.step("promote: s3 records bucket replica", self.promote_bucket, needs=[moved])
        else:
            run.step(
                f"failback: aurora global cluster to {self.target}",
                self.promote_global_cluster,
                needs=[moved],
            )
        run.step(f"verify: stores serve in {self.target}", self.verify_stores, needs=[moved])
        if self.direction == "failback":
            run.step(
                f"failback: re-create the read replica in {self.names.standby}",
                self.reestablish_replica,
                needs=[f"verify: stores serve in {self.target}"],
                skip=lost,
            )
        return self._finish()

    def _finish(self) -> DrillOutcome:
        run = self.run_log
        rto: dict[str, dict[str, Any]] = {}
        problems: list[str] = []
        traffic = self.serving_at.get("traffic")
        for tier, target in FAILOVER_TARGETS.items():
            times = [self.serving_at.get(store) for store in target.stores]
            measured_parts = [t for t in times if t is not None]
            # A tier serves once its stores serve and traffic reaches the standby region.
            complete = traffic is not None and all(t is not None for t in times)
            measured = max([*measured_parts, traffic]) if complete and traffic is not None else None
            met = measured is not None and measured <= target.rto_seconds
            rto[tier] = {
                "rto_seconds": None if measured is None else round(measured, 3),
                "rto_target_seconds": target.rto_seconds,
                "rto_met": met,
                "rpo_target_seconds": target.rpo_seconds,
            }
            if not met:
                problems.append(
                    f"{tier} RTO {'not reached' if measured is None else f'{measured:.1f}s'} "
                    f"(target {target.rto_seconds}s)"
                )
        run.measure("rto_seconds", rto)
        if self.recovery_point_age is not None:
            run.measure("standby_recovery_point_age_seconds", round(self.recovery_point_age, 3))
        run.note(
            "RTO is measured from the start of the drill (readiness included) to traffic answering from "
            f"{self.target} and each tier's stores serving there"
        )
        run.note(
            "Traffic moves with one Route53 UPSERT of the failover records (Route53's global API), "
            "never with a "
            f"call to {self.source}"
        )
        failed = run.failed_steps
        if failed:
            problems.insert(0, f"{len(failed)} step(s) failed, first: {failed[0].name}: {failed[0].reason}")
        passed = not problems
        reconcile = RECONCILE_FAILOVER if self.direction == "failover" else RECONCILE_FAILBACK
        verdict = (
            f"traffic answers from {self.target}; every tier within its RTO target" if passed else "; ".join(problems)
        )
        report = run.finish(passed, verdict, next_steps=[reconcile] if passed else [])
        json_path, markdown_path = report.write(self.reports_dir)
        return DrillOutcome(report, json_path, markdown_path)


def run_failover(
    jurisdiction: str,
    endpoint_url: str | None = None,
    *,
    options: FailoverOptions | None = None,
    reports_dir: Path = DEFAULT_REPORTS_DIR,
    direction: str = "failover",
    echo: Callable[[str], None] | None = None,
    aws: Aws | None = None,
) -> DrillOutcome:
    """Run the failover (or with `direction="failback"` the failback) drill; report into `reports_dir`."""
    options = options or FailoverOptions()
    cell = resolve_jurisdiction(jurisdiction)
    if direction not in ("failover", "failback"):
        raise TrustFabricError(f"direction {direction!r}; allowed: failover, failback")
    if direction == "failback" and options.primary_down:
        raise TrustFabricError("--primary-down applies to failover only: failback needs the primary region")
    target = cell.standby_region if direction == "failover" else cell.primary_region
    aws = aws or Aws.connect(endpoint_url, probe_region=target)
    if options.seed:
        seeded = seed_environment(jurisdiction, aws=aws, echo=echo)
        if not seeded.passed:
            raise TrustFabricError(f"--seed failed: {seeded.verdict}")
    return FailoverDrill(jurisdiction, aws, options, reports_dir, direction=direction, echo=echo).run()


def run_failback(
    jurisdiction: str,
    endpoint_url: str | None = None,
    *,
    options: FailoverOptions | None = None,
    reports_dir: Path = DEFAULT_REPORTS_DIR,
    echo: Callable[[str], None] | None = None,
    aws: Aws | None = None,
) -> DrillOutcome:
    """The reverse of `run_failover`: traffic and the writer back to the primary region."""
    return run_failover(
        jurisdiction,
        endpoint_url,
        options=options,
        reports_dir=reports_dir,
        direction="failback",
        echo=echo,
        aws=aws,
    )
