"""Readiness of the target region before traffic moves: read-only checks, none of which calls a lost region.

- the ledger table (global-table replica, or a table of the same name) is ACTIVE there;
- the records bucket there is versioned, and the source region's bucket replicates to it;
- recent recovery points of the ledger table exist there (point-in-time recovery or a backup younger than
  RECENT_BACKUP_SECONDS);
- the ledger database has a replica there (RDS read replica or Aurora global cluster member), or for failback
  a database to take the writer role back;
- both failover records exist with health checks, and the target's reports healthy.

With `primary_down` the checks that would call the source region are skipped and say so.

Usage::

    ready_table(state, step)
    ready_routing(state, step)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from domain.naming import bucket_arn

from .common import describe_instance, error_code, not_found, unsupported
from .failover_state import FailoverState
from .report import Step, StepFailed, utc_now
from .traffic import find_records, healthy

RECENT_BACKUP_SECONDS = 24 * 3600
"""A standby-region backup younger than this counts as a recent recovery point: the period of the daily
statutory rule, the one every tier copies into the standby region (domain.tiers)."""


def ready_table(state: FailoverState, step: Step) -> None:
    table, target = state.names.table, state.target
    if not state.options.primary_down:
        try:
            source = state.client("dynamodb", state.source).describe_table(TableName=table)["Table"]
            replicas = [replica["RegionName"] for replica in source.get("Replicas", [])]
            step.details["replicas_listed_by_source"] = replicas
        except ClientError as error:
            if not not_found(error):
                raise
            step.details["source_table"] = f"not found in {state.source}"
    try:
        described = state.client("dynamodb", target).describe_table(TableName=table)["Table"]
    except ClientError as error:
        if not_found(error):
            raise StepFailed(f"no table {table} in {target}") from None
        raise
    if described["TableStatus"] != "ACTIVE":
        raise StepFailed(f"table {table} in {target} is {described['TableStatus']}, not ACTIVE")
    kind = (
        "global table replica"
        if target in step.details.get("replicas_listed_by_source", [])
        else "table of the same name (no global-table replica listed)"
    )
    step.details.update(table=table, region=target, status=described["TableStatus"], kind=kind)


def ready_bucket(state: FailoverState, step: Step) -> None:
    target_bucket = state.names.records_bucket(state.target)
    try:
        versioning = state.client("s3", state.target).get_bucket_versioning(Bucket=target_bucket).get("Status")
    except ClientError as error:
        if not_found(error):
            raise StepFailed(f"no bucket {target_bucket} in {state.target}") from None
        raise
    if versioning != "Enabled":
        raise StepFailed(f"bucket {target_bucket} versioning is {versioning!r}, not Enabled")
    step.details.update(target_bucket=target_bucket, versioning=versioning)
    if state.options.primary_down:
        step.details["replication_configuration"] = state.source_lost()
        return
    source_bucket = state.names.records_bucket(state.source)
    try:
        config = state.client("s3", state.source).get_bucket_replication(Bucket=source_bucket)
    except ClientError as error:
        if state.direction == "failback" and error_code(error) == "ReplicationConfigurationNotFoundError":
            # The standby bucket does not replicate back (prod owns replication): the primary must exist.
            step.details["replication_configuration"] = f"none on {source_bucket} (expected for failback)"
            return
        raise
    rules = config["ReplicationConfiguration"].get("Rules", [])
    destinations = [rule["Destination"]["Bucket"] for rule in rules if rule.get("Status") == "Enabled"]
    if bucket_arn(target_bucket) not in destinations:
        raise StepFailed(f"{source_bucket} does not replicate to {target_bucket} (rules to {destinations})")
    step.details.update(source_bucket=source_bucket, replicates_to=destinations)


def ready_recovery_points(state: FailoverState, step: Step) -> None:
    ddb = state.client("dynamodb", state.target)
    table = state.names.table
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
        region=state.target,
        point_in_time_recovery=pitr.get("PointInTimeRecoveryStatus", "DISABLED"),
        backups=len(available),
        recovery_point_age_seconds={kind: round(age, 3) for kind, age in ages.items()},
    )
    pitr_ok = "point_in_time_recovery" in ages
    backup_ok = ages.get("newest_backup", float("inf")) <= RECENT_BACKUP_SECONDS
    if not (pitr_ok or backup_ok):
        raise StepFailed(
            f"no recent recovery point for {table} in {state.target}: PITR "
            f"{pitr.get('PointInTimeRecoveryStatus', 'DISABLED')}, "
            f"newest backup age {ages.get('newest_backup')}"
        )
    state.recovery_point_age = min(ages.values())
    step.details["note"] = (
        "AWS Backup recovery points are not listed on a stand-in endpoint; used DynamoDB native backups and PITR"
        if state.aws.is_custom_endpoint
        else "DynamoDB native backups and PITR (AWS Backup recovery points: see runbooks/restore.md)"
    )


def global_cluster(state: FailoverState) -> dict[str, Any] | None:
    """The ledger's Aurora global cluster, or None where there is none (or the endpoint has no such API)."""
    rds = state.client("rds", state.target)
    try:
        clusters = rds.describe_global_clusters(GlobalClusterIdentifier=state.names.global_cluster)
    except ClientError as error:
        if not_found(error) or unsupported(error):
            return None
        raise
    except BotoCoreError:  # an endpoint without the API answers with an unparseable error page
        return None
    found = clusters.get("GlobalClusters", [])
    return found[0] if found else None


def ready_database(state: FailoverState, step: Step) -> None:
    names, target = state.names, state.target
    rds = state.client("rds", target)
    cluster = state.global_cluster = global_cluster(state)
    if cluster is not None:
        members = [m["DBClusterArn"] for m in cluster.get("GlobalClusterMembers", [])]
        if not any(f":{target}:" in member for member in members):
            raise StepFailed(f"global cluster {names.global_cluster} has no member in {target}")
        step.details.update(global_cluster=names.global_cluster, members=members)
    instance = state.instance = describe_instance(rds, names.database)
    if instance is not None:
        step.details.update(
            instance=names.database,
            region=target,
            status=instance["DBInstanceStatus"],
            replica_of=instance.get("ReadReplicaSourceDBInstanceIdentifier"),
        )
    if state.direction == "failback":
        if instance is None and cluster is None:
            raise StepFailed(f"no database {names.database} in {target} to take the writer role back")
        return
    if cluster is None and (instance is None or not instance.get("ReadReplicaSourceDBInstanceIdentifier")):
        raise StepFailed(f"no read replica {names.database} and no Aurora global cluster member in {target}")


def ready_routing(state: FailoverState, step: Step) -> None:
    names = state.names
    records = state.records = find_records(state)
    wanted = {names.set_identifier(state.source), names.set_identifier(state.target)}
    missing = sorted(wanted - set(records))
    if missing:
        raise StepFailed(f"no failover record {', '.join(missing)} for {names.record} in {names.zone}")
    checks: dict[str, str] = {}
    for set_id in sorted(wanted):
        check_id = records[set_id].get("HealthCheckId")
        if not check_id:
            raise StepFailed(f"failover record {set_id} has no health check")
        state.route53.get_health_check(HealthCheckId=check_id)
        checks[set_id] = check_id
    is_healthy, report = healthy(state.route53, checks[names.set_identifier(state.target)])
    step.details.update(
        zone=names.zone,
        zone_id=state.zone_id,
        records={set_id: records[set_id]["Failover"] for set_id in sorted(wanted)},
        health_checks=checks,
        target_health=report,
    )
    if not is_healthy:
        raise StepFailed(f"health check of {state.target} is not healthy: {report}")
