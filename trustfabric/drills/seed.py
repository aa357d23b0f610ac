"""`drill seed`: build a cell's fixture environment on an empty endpoint, so the failover drill can act on it.

Against a real account the `prod` and `dr` stacks declare these resources; on a moto server nothing exists, so
this creates, with the stacks' names (`trustfabric.drills.common.CellNames`):

- the records bucket in the primary region (versioned) with a replication configuration to the records bucket
  in the standby region (versioned), plus a few records in both;
- the ledger table in the primary region with point-in-time recovery; a global-table replica in the standby
  region, or (where the endpoint has no global tables, as moto) a table of the same name there, with
  point-in-time recovery; an on-demand backup of each (recent recovery points);
- the hosted zone `<cell>.trustfabric.example.com` with an HTTPS health check per region and the failover
  records `api.<zone>`: PRIMARY -> the primary region's endpoint, SECONDARY -> the standby region's;
- an RDS instance in the primary region and its cross-region read replica in the standby region.

Seeding refuses the AWS default endpoints unless `allow_real_account=True`: the names are production names.

Usage::

    from trustfabric.drills.seed import seed_environment

    report = seed_environment("UK", endpoint_url="http://127.0.0.1:5000")
    assert report.passed
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from domain.tags import BACKUP_TIER, JURISDICTION
from trustfabric.errors import TrustFabricError

from .common import (
    SMALL_INSTANCE_CLASS,
    Aws,
    CellNames,
    bucket_location,
    describe_instance,
    not_found,
    resolve_jurisdiction,
    small_postgres,
)
from .report import DrillReport, DrillRun, Step

SEED_OBJECTS = 5


def _create_bucket(s3: Any, name: str, region: str) -> bool:
    """Create a bucket in a region; False when it already exists (and is ours)."""
    try:
        s3.head_bucket(Bucket=name)
        return False
    except ClientError as error:
        if not not_found(error):
            raise
    s3.create_bucket(Bucket=name, **bucket_location(region))
    return True


def seed_buckets(aws: Aws, names: CellNames, step: Step) -> None:
    """Records buckets in both regions, versioned, the primary replicating to the standby."""
    iam = aws.client("iam", "us-east-1")
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
    try:
        role_arn = iam.get_role(RoleName=names.replication_role(names.primary))["Role"]["Arn"]
    except ClientError as error:
        if not not_found(error):
            raise
        role_arn = iam.create_role(
            RoleName=names.replication_role(names.primary), AssumeRolePolicyDocument=json.dumps(trust)
        )["Role"]["Arn"]
    created = []
    for region in (names.standby, names.primary):
        s3 = aws.client("s3", region)
        bucket = names.records_bucket(region)
        if _create_bucket(s3, bucket, region):
            created.append(bucket)
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        for number in range(SEED_OBJECTS):
            body = json.dumps({"record": f"seed-{number:04d}", "region": region}).encode()
            s3.put_object(Bucket=bucket, Key=f"records/seed-{number:04d}.json", Body=body)
    standby_bucket = names.records_bucket(names.standby)
    aws.client("s3", names.primary).put_bucket_replication(
        Bucket=names.records_bucket(names.primary),
        ReplicationConfiguration={
            "Role": role_arn,
            "Rules": [
                {
                    "ID": f"to-{names.standby}",
                    "Status": "Enabled",
                    "Priority": 1,
                    "Filter": {},
                    "DeleteMarkerReplication": {"Status": "Enabled"},
                    "Destination": {"Bucket": f"arn:aws:s3:::{standby_bucket}"},
                }
            ],
        },
    )
    step.details.update(buckets=[names.records_bucket(names.primary), standby_bucket], created=created)


def _table_exists(ddb: Any, table: str) -> bool:
    try:
        ddb.describe_table(TableName=table)
        return True
    except ClientError as error:
        if not_found(error):
            return False
        raise


def _create_table(aws: Aws, ddb: Any, table: str) -> None:
    ddb.create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    aws.wait(ddb, "table_exists", delay_seconds=5, max_attempts=25, TableName=table)


def seed_tables(aws: Aws, names: CellNames, step: Step) -> None:
    """The ledger table with PITR in the primary region; its replica (or a same-named table) in standby."""
    primary = aws.client("dynamodb", names.primary)
    standby = aws.client("dynamodb", names.standby)
    if not _table_exists(primary, names.table):
        _create_table(aws, primary, names.table)
    if not _table_exists(standby, names.table):
        try:
            primary.update_table(TableName=names.table, ReplicaUpdates=[{"Create": {"RegionName": names.standby}}])
        except ClientError as error:
            step.details["replica_updates_error"] = str(error)
        if _table_exists(standby, names.table):
            step.details["standby"] = "global table replica"
        else:
            _create_table(aws, standby, names.table)
            step.details["standby"] = (
                "table of the same name in the standby region: the endpoint accepted ReplicaUpdates "
                "but created "
                "no replica (moto has no global tables)"
            )
    for client in (primary, standby):
        client.update_continuous_backups(
            TableName=names.table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        )
        client.put_item(
            TableName=names.table,
            Item={"pk": {"S": "seed"}, "sk": {"S": "0000"}, "body": {"S": "seed ledger event"}},
        )
        client.create_backup(TableName=names.table, BackupName=f"seed-{uuid.uuid4().hex[:8]}")
    step.details["table"] = names.table


def seed_routing(aws: Aws, names: CellNames, step: Step) -> None:
    """The cell's zone, one health check per region, PRIMARY and SECONDARY failover records."""
    route53 = aws.route53()
    zones = route53.list_hosted_zones_by_name(DNSName=names.zone, MaxItems="1")["HostedZones"]
    if zones and zones[0]["Name"].rstrip(".") == names.zone:
        zone_id = zones[0]["Id"]
    else:
        zone_id = route53.create_hosted_zone(Name=names.zone, CallerReference=str(uuid.uuid4()))["HostedZone"]["Id"]
    changes = []
    checks = {}
    for region, failover in ((names.primary, "PRIMARY"), (names.standby, "SECONDARY")):
        check_id = route53.create_health_check(
            CallerReference=str(uuid.uuid4()),
            HealthCheckConfig={
                "Type": "HTTPS",
                "FullyQualifiedDomainName": names.endpoint(region),
                "Port": 443,
                "ResourcePath": "/healthz",
                "RequestInterval": 10,
                "FailureThreshold": 3,
                "EnableSNI": True,
            },
        )["HealthCheck"]["Id"]
        route53.change_tags_for_resource(
            ResourceType="healthcheck",
            ResourceId=check_id,
            AddTags=[
                {"Key": "Name", "Value": names.set_identifier(region)},
                {"Key": "failover", "Value": failover.lower()},
            ],
        )
        checks[region] = check_id
        changes.append(
            {
                "Action": "UPSERT",
                "ResourceRecordSet": {
                    "Name": names.record,
                    "Type": "CNAME",
                    "TTL": 60,
                    "SetIdentifier": names.set_identifier(region),
                    "Failover": failover,
                    "HealthCheckId": check_id,
                    "ResourceRecords": [{"Value": names.endpoint(region)}],
                },
            }
        )
    route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Comment": "drill seed", "Changes": changes})
    step.details.update(zone_id=zone_id, health_checks=checks, record=names.record)


def seed_database(aws: Aws, names: CellNames, step: Step) -> None:
    """An RDS instance in the primary region and its cross-region read replica in the standby region."""
    primary = aws.client("rds", names.primary)
    standby = aws.client("rds", names.standby)
    source = describe_instance(primary, names.database)
    if source is None:
        tags = {JURISDICTION: names.jurisdiction.code, BACKUP_TIER: "tier0"}
        source = primary.create_db_instance(
            **small_postgres(names.database, master_username="ledger_admin", backup_retention_days=7, tags=tags)
        )["DBInstance"]
        aws.wait(
            primary, "db_instance_available", delay_seconds=30, max_attempts=60, DBInstanceIdentifier=names.database
        )
    if describe_instance(standby, names.database) is None:
        standby.create_db_instance_read_replica(
            DBInstanceIdentifier=names.database,
            SourceDBInstanceIdentifier=source["DBInstanceArn"],
            SourceRegion=names.primary,
            DBInstanceClass=SMALL_INSTANCE_CLASS,
        )
        aws.wait(
            standby, "db_instance_available", delay_seconds=30, max_attempts=60, DBInstanceIdentifier=names.database
        )
    step.details.update(primary=source["DBInstanceArn"], replica_region=names.standby)


def seed_environment(
    jurisdiction: str,
    endpoint_url: str | None = None,
    *,
    allow_real_account: bool = False,
    echo: Callable[[str], None] | None = None,
    aws: Aws | None = None,
) -> DrillReport:
    """Create the cell's fixture environment; the report's steps say what was created."""
    cell = resolve_jurisdiction(jurisdiction)
    declared_endpoint = aws.endpoint_url if aws else (endpoint_url or os.environ.get("AWS_ENDPOINT_URL"))
    if not declared_endpoint and not allow_real_account:
        raise TrustFabricError(
            "drill seed creates production-named resources; point it at a stand-in with --endpoint-url "
            "(or AWS_ENDPOINT_URL), or pass --allow-real-account"
        )
    aws = aws or Aws.connect(endpoint_url)
    names = CellNames.of(cell, aws.account_id)
    run = DrillRun("seed", cell.code, aws.endpoint_url, echo=echo)
    run.step(f"s3: records buckets {names.primary} -> {names.standby}", lambda step: seed_buckets(aws, names, step))
    run.step(f"dynamodb: ledger table and standby {names.standby}", lambda step: seed_tables(aws, names, step))
    run.step("route53: zone, health checks, failover records", lambda step: seed_routing(aws, names, step))
    run.step(f"rds: instance and read replica in {names.standby}", lambda step: seed_database(aws, names, step))
    failed = run.failed_steps
    if failed:
        return run.finish(False, f"{len(failed)} seed step(s) failed: {failed[0].name}: {failed[0].reason}")
    return run.finish(True, f"fixture environment for {cell.code} created")
