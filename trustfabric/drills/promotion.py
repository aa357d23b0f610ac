"""After traffic moved: promote what has a promotion call, check the target's stores serve, and (failback) put
the standby replica back.

- `promote_database`: `promote_read_replica` of the ledger's RDS read replica in the target region;
- `promote_global_cluster`: `failover_global_cluster` (primary down, data loss allowed) or
  `switchover_global_cluster` (planned) of the Aurora global database; skipped where the endpoint lacks it;
- `promote_table`, `promote_bucket`: skipped with the reason (DynamoDB global tables and S3 replicas have no
  promotion);
- `verify_stores`: the table, the bucket and the database answer in the target region;
- `reestablish_replica` (failback): the standby database becomes a read replica of the primary again, after a
  final snapshot of the standby writer.

Usage::

    promote_database(state, step)
    verify_stores(state, step)
"""

from __future__ import annotations

import time
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .common import describe_instance, not_found, poll, unsupported
from .failover_state import FailoverState
from .report import Step, StepFailed, StepSkipped, utc_now

PROMOTION_SETTLE_SECONDS = 5
"""On AWS, the instance leaves `available` only after `promote_read_replica` returns: wait before polling."""


def _instance(rds: Any, identifier: str) -> dict[str, Any]:
    return rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]


def promote_database(state: FailoverState, step: Step) -> None:
    database, target, aws = state.names.database, state.target, state.aws
    rds = state.client("rds", target)
    instance = state.instance
    if instance is None or not instance.get("ReadReplicaSourceDBInstanceIdentifier"):
        raise StepSkipped(f"no RDS read replica {database} in {target}")
    rds.promote_read_replica(DBInstanceIdentifier=database, BackupRetentionPeriod=7)

    def standalone() -> bool:
        now = _instance(rds, database)
        return bool(now["DBInstanceStatus"] == "available" and not now.get("ReadReplicaSourceDBInstanceIdentifier"))

    timeout = 0.0 if aws.is_custom_endpoint else state.options.promote_timeout_seconds
    if not aws.is_custom_endpoint:
        time.sleep(PROMOTION_SETTLE_SECONDS)
    promoted = poll(standalone, timeout, aws.wait_delay(30))
    now = _instance(rds, database)
    step.details.update(
        instance=database,
        region=target,
        status=now["DBInstanceStatus"],
        still_reports_source=now.get("ReadReplicaSourceDBInstanceIdentifier"),
    )
    if not promoted:
        if aws.is_custom_endpoint and now["DBInstanceStatus"] == "available":
            step.details["note"] = (
                "promote_read_replica succeeded; this endpoint (moto) keeps reporting "
                "ReadReplicaSourceDBInstanceIdentifier after promotion"
            )
        else:
            raise StepFailed(f"{database} not a standalone writer within {timeout}s")
    state.served("rds")


def promote_global_cluster(state: FailoverState, step: Step) -> None:
    identifier, target = state.names.global_cluster, state.target
    cluster = state.global_cluster
    if cluster is None:
        reason = f"no Aurora global cluster {identifier} on this endpoint"
        if state.aws.is_custom_endpoint:
            reason += (
                "; moto implements neither failover_global_cluster nor switchover_global_cluster, "
                "so the drill promotes the RDS read replica instead"
            )
        raise StepSkipped(reason)
    rds = state.client("rds", target)
    member = next(m["DBClusterArn"] for m in cluster["GlobalClusterMembers"] if f":{target}:" in m["DBClusterArn"])
    try:
        if state.options.primary_down:
            rds.failover_global_cluster(
                GlobalClusterIdentifier=identifier, TargetDbClusterIdentifier=member, AllowDataLoss=True
            )
            step.details["call"] = "failover_global_cluster (AllowDataLoss: the primary is lost)"
        else:
            rds.switchover_global_cluster(GlobalClusterIdentifier=identifier, TargetDbClusterIdentifier=member)
            step.details["call"] = "switchover_global_cluster (planned, no data loss)"
    except (ClientError, BotoCoreError) as error:
        if isinstance(error, BotoCoreError) or unsupported(error):
            raise StepSkipped(f"global cluster failover not supported on this endpoint: {error}") from None
        raise
    step.details["target_cluster"] = member
    state.served("rds")


def promote_table(state: FailoverState, step: Step) -> None:
    raise StepSkipped("DynamoDB global table replicas are multi-active: there is no promotion call")


def promote_bucket(state: FailoverState, step: Step) -> None:
    raise StepSkipped("S3 replicas need no promotion: the standby bucket serves reads; writers move with the reconcile")


def verify_stores(state: FailoverState, step: Step) -> None:
    names, target = state.names, state.target
    ddb = state.client("dynamodb", target)
    table = ddb.describe_table(TableName=names.table)["Table"]
    scanned = ddb.scan(TableName=names.table, Limit=1, ConsistentRead=True)
    if table["TableStatus"] != "ACTIVE":
        raise StepFailed(f"table {names.table} in {target} is {table['TableStatus']}")
    state.served("dynamodb")
    bucket = names.records_bucket(target)
    listed = state.client("s3", target).list_objects_v2(Bucket=bucket, MaxKeys=1)
    state.served("s3")
    details: dict[str, Any] = {
        "dynamodb": f"{names.table} ACTIVE, read {scanned.get('Count', 0)} item(s)",
        "s3": f"{bucket} listed {listed.get('KeyCount', 0)} object(s)",
    }
    rds = state.client("rds", target)
    try:
        instance = _instance(rds, names.database)
        if instance["DBInstanceStatus"] != "available":
            raise StepFailed(f"database {names.database} in {target} is {instance['DBInstanceStatus']}")
        details["rds"] = f"{names.database} {instance['DBInstanceStatus']}"
        state.serving_at["rds"] = max(state.serving_at.get("rds", 0.0), state.run_log.elapsed())
    except ClientError as error:
        if not not_found(error) or state.global_cluster is None:
            raise
    step.details.update(details)


def reestablish_replica(state: FailoverState, step: Step) -> None:
    """After failback, the standby database becomes a read replica of the primary again."""
    names, aws = state.names, state.aws
    database, standby_region = names.database, names.standby
    standby = state.client("rds", standby_region)
    primary = state.client("rds", names.primary)
    if state.global_cluster is not None:
        raise StepSkipped("Aurora global cluster: the switchover made the primary region the writer again")
    source = _instance(primary, database)
    current = describe_instance(standby, database)
    if current is not None and current.get("ReadReplicaSourceDBInstanceIdentifier"):
        if not aws.is_custom_endpoint:
            raise StepSkipped(f"{database} in {standby_region} is still a read replica: nothing to do")
        step.details["note"] = (
            "this endpoint (moto) reports a replication source even after promotion; re-created the replica"
        )
    final_snapshot = ""
    if current is not None:
        final_snapshot = f"{database}-failback-{utc_now().strftime('%Y%m%d%H%M%S')}"
        standby.delete_db_instance(DBInstanceIdentifier=database, FinalDBSnapshotIdentifier=final_snapshot)
        aws.wait(standby, "db_instance_deleted", delay_seconds=30, max_attempts=120, DBInstanceIdentifier=database)
    standby.create_db_instance_read_replica(
        DBInstanceIdentifier=database, SourceDBInstanceIdentifier=source["DBInstanceArn"], SourceRegion=names.primary
    )
    aws.wait(standby, "db_instance_available", delay_seconds=30, max_attempts=120, DBInstanceIdentifier=database)
    replica = _instance(standby, database)
    if not replica.get("ReadReplicaSourceDBInstanceIdentifier"):
        raise StepFailed(f"{database} in {standby_region} is not a read replica after re-creation")
    step.details.update(
        replica=database,
        region=standby_region,
        replica_of=replica["ReadReplicaSourceDBInstanceIdentifier"],
        final_snapshot_of_standby_writer=final_snapshot or None,
    )
