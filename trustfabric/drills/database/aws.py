"""The database drills on AWS: an IAM-authenticated TLS endpoint, and a measured point-in-time restore.

`iam_endpoint` reads the database username from a Secrets Manager secret (the RDS secret shape,
`{"username": ...}`), generates an IAM authentication token (`rds.generate_db_auth_token`, valid 15
minutes, used as the password) and asks for `sslmode=verify-full` against the RDS CA bundle (a file path,
configurable: `TRUSTFABRIC_RDS_CA_BUNDLE`, default `/etc/ssl/certs/rds-global-bundle.pem`). The drills'
verification then runs on that endpoint exactly as on a local server (`results.verify_recovered`).

`restore_cluster_to_point_in_time` is the AWS side of the PITR drill, with the local drill's result type
(`RecoveryResult`): `RestoreDBClusterToPointInTime` into a NEW cluster (IAM authentication on, the source's
subnet group, security groups and KMS key as given), a writer instance in it, both waited for (bounded), then
every row against the seed checksums and every logged transaction against the target time. It deletes what
it created unless `keep`. Its three parts (`request_restore`, `add_writer`, `verify_restored`) also run apart:
`drill aws-pitr --start` requests the restore in one job and `--finish` completes it in a later one.

Usage::

    aws = Aws.connect()
    request = ClusterRestore(source_cluster="trustfabric-prod-uk-ledger-eu-west-2",
                             target_cluster="trustfabric-drill-uk-pitr", restore_time=incident_at,
                             secret_id="trustfabric/prod/uk/ledger-drill", region="eu-west-2")
    result = restore_cluster_to_point_in_time(aws, request, expected=checksums, log=commit_log)
    assert not result.problems()
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from trustfabric.errors import TrustFabricError

from ..common import Aws, poll
from .checksums import LedgerChecksums
from .commits import CommitLog
from .endpoint import DatabaseEndpoint, connect
from .results import RecoveryResult, verify_recovered

CA_BUNDLE_ENV = "TRUSTFABRIC_RDS_CA_BUNDLE"
DEFAULT_CA_BUNDLE = "/etc/ssl/certs/rds-global-bundle.pem"
CA_BUNDLE_SOURCE = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem"
Connector = Callable[[DatabaseEndpoint], Any]


def ca_bundle_path(configured: str | None = None) -> str:
    """The RDS CA bundle: the argument, else $TRUSTFABRIC_RDS_CA_BUNDLE, else the default path; must exist."""
    path = configured or os.environ.get(CA_BUNDLE_ENV) or DEFAULT_CA_BUNDLE
    if not Path(path).is_file():
        raise TrustFabricError(
            f"RDS CA bundle {path} not found; download {CA_BUNDLE_SOURCE} and pass --ca-bundle or set {CA_BUNDLE_ENV}"
        )
    return path


def secret_username(secrets: Any, secret_id: str) -> str:
    """The `username` of a Secrets Manager secret in the RDS shape; TrustFabricError when it is missing or has
    none."""
    try:
        value = secrets.get_secret_value(SecretId=secret_id).get("SecretString") or ""
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
            raise
        region = secrets.meta.region_name
        raise TrustFabricError(
            f"secret {secret_id} not found in {region}: it names the drills' database login; create it as "
            "runbooks/dr-failover.md (Drill login) shows"
        ) from None
    try:
        username = json.loads(value).get("username")
    except (ValueError, AttributeError):
        username = None
    if not isinstance(username, str) or not username:
        raise TrustFabricError(f'secret {secret_id}: no "username" in its JSON SecretString')
    return username


def iam_endpoint(
    aws: Aws, region: str, host: str, port: int, dbname: str, secret_id: str, ca_bundle: str | None = None
) -> DatabaseEndpoint:
    """An endpoint that logs in with an IAM token over TLS verify-full (username from Secrets Manager)."""
    bundle = ca_bundle_path(ca_bundle)
    username = secret_username(aws.client("secretsmanager", region), secret_id)
    token = aws.client("rds", region).generate_db_auth_token(
        DBHostname=host, Port=port, DBUsername=username, Region=region
    )
    return DatabaseEndpoint(
        host=host,
        port=port,
        dbname=dbname,
        user=username,
        password=token,
        sslmode="verify-full",
        sslrootcert=bundle,
    )


def secret_credentials(secrets: Any, secret_id: str) -> tuple[str, str]:
    """`username` and `password` of a Secrets Manager secret in the RDS shape; TrustFabricError without both."""
    username = secret_username(secrets, secret_id)
    value = json.loads(secrets.get_secret_value(SecretId=secret_id)["SecretString"])
    password = value.get("password")
    if not isinstance(password, str) or not password:
        raise TrustFabricError(f'secret {secret_id}: no "password" in its JSON SecretString')
    return username, password


def secret_endpoint(
    aws: Aws, region: str, host: str, port: int, dbname: str, secret_id: str, ca_bundle: str | None = None
) -> DatabaseEndpoint:
    """An endpoint that logs in with the user and password of a Secrets Manager secret over TLS verify-full
    (the drills' own scratch databases: seeding, fault injection)."""
    bundle = ca_bundle_path(ca_bundle)
    username, password = secret_credentials(aws.client("secretsmanager", region), secret_id)
    return DatabaseEndpoint(
        host=host, port=port, dbname=dbname, user=username, password=password, sslmode="verify-full",
        sslrootcert=bundle,
    )  # fmt: skip


@dataclass(frozen=True)
class ClusterRestore:
    """What `restore_cluster_to_point_in_time` restores, where, and how it connects afterwards."""

    source_cluster: str
    target_cluster: str
    """A NEW cluster identifier: the drill never restores over anything."""
    restore_time: dt.datetime
    region: str
    secret_id: str
    """Secrets Manager secret holding the drill user's `username` (it logs in with an IAM token)."""
    dbname: str = "ledger"
    instance_class: str = "db.r6g.large"
    subnet_group: str | None = None
    security_groups: tuple[str, ...] = ()
    kms_key_id: str | None = None
    ca_bundle: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    timeout_seconds: float = 3 * 3600
    """Longest wait for the cluster and its instance (AWS restores take minutes to hours)."""
    keep: bool = False

    def restore_parameters(self) -> dict[str, Any]:
        """The exact RestoreDBClusterToPointInTime request."""
        parameters: dict[str, Any] = {
            "DBClusterIdentifier": self.target_cluster,
            "SourceDBClusterIdentifier": self.source_cluster,
            "RestoreType": "full-copy",
            "RestoreToTime": self.restore_time,
            "EnableIAMDatabaseAuthentication": True,
            "DeletionProtection": False,
            "CopyTagsToSnapshot": True,
            "Tags": [
                {"Key": key, "Value": value} for key, value in sorted({**self.tags, "purpose": "pitr-drill"}.items())
            ],
        }
        if self.subnet_group:
            parameters["DBSubnetGroupName"] = self.subnet_group
        if self.security_groups:
            parameters["VpcSecurityGroupIds"] = list(self.security_groups)
        if self.kms_key_id:
            parameters["KmsKeyId"] = self.kms_key_id
        return parameters

    @property
    def writer_instance(self) -> str:
        return f"{self.target_cluster}-writer"


def _wait(check: Callable[[], bool], timeout: float, interval: float, what: str) -> None:
    if not poll(check, timeout, interval):
        raise TrustFabricError(f"{what} not available within {timeout:.0f}s")


def request_restore(rds: Any, request: ClusterRestore) -> None:
    """Ask for the restore (`RestoreDBClusterToPointInTime`); it runs on AWS's side from here on."""
    rds.restore_db_cluster_to_point_in_time(**request.restore_parameters())


def restored_cluster(rds: Any, request: ClusterRestore) -> dict[str, Any]:
    """The restored cluster as `DescribeDBClusters` reports it."""
    return dict(rds.describe_db_clusters(DBClusterIdentifier=request.target_cluster)["DBClusters"][0])


def add_writer(aws: Aws, request: ClusterRestore, created: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """Wait (bounded by `timeout_seconds`) for the restored cluster, give it a writer instance unless it has
    one, wait for that; return the cluster. What it creates is appended to `created`."""
    rds = aws.client("rds", request.region)
    interval = aws.wait_delay(30)
    _wait(
        lambda: restored_cluster(rds, request)["Status"] == "available",
        request.timeout_seconds,
        interval,
        f"cluster {request.target_cluster}",
    )
    restored = restored_cluster(rds, request)
    members = {member["DBInstanceIdentifier"] for member in restored.get("DBClusterMembers", [])}
    if request.writer_instance not in members:
        rds.create_db_instance(
            DBInstanceIdentifier=request.writer_instance,
            DBClusterIdentifier=request.target_cluster,
            Engine=restored["Engine"],
            DBInstanceClass=request.instance_class,
        )
        if created is not None:
            created.append(("instance", request.writer_instance))
    rds.get_waiter("db_instance_available").wait(
        DBInstanceIdentifier=request.writer_instance,
        WaiterConfig={"Delay": interval, "MaxAttempts": max(1, int(request.timeout_seconds // interval))},
    )
    return restored


def verify_restored(
    aws: Aws,
    request: ClusterRestore,
    restored: dict[str, Any],
    *,
    expected: LedgerChecksums,
    log: CommitLog | None,
    rto_seconds: Callable[[], float],
    connector: Connector = connect,
) -> RecoveryResult:
    """Log in to the restored cluster (IAM token, TLS) and verify every row and logged transaction; RPO from
    the commit log (without one, 0: the restore time is the target), RTO as `rto_seconds()` once verified."""
    endpoint = iam_endpoint(
        aws,
        request.region,
        restored["Endpoint"],
        int(restored["Port"]),
        request.dbname,
        request.secret_id,
        request.ca_bundle,
    )
    connection = connector(endpoint)
    try:
        rows, commits = verify_recovered(
            connection, expected, log, request.restore_time, target=True, source=endpoint.describe()
        )
    finally:
        connection.close()
    rto = rto_seconds()
    rpo = commits.recovered_gap_seconds if commits is not None else 0.0
    return RecoveryResult(
        kind="pitr",
        endpoint=endpoint.describe(),
        rpo_seconds=rpo,
        rto_seconds=rto,
        rows=rows,
        commits=commits,
        target_time=request.restore_time,
        environment="aws",
    )


def restore_cluster_to_point_in_time(
    aws: Aws,
    request: ClusterRestore,
    *,
    expected: LedgerChecksums,
    log: CommitLog | None = None,
    incident_clock: float | None = None,
    connector: Connector = connect,
) -> RecoveryResult:
    """Restore the source cluster to `restore_time` into a new cluster, verify it, measure RPO and RTO.

    RPO: with a commit log, the restore time minus the newest logged transaction recovered; without one, 0
    (the restore time is the target). RTO: from `incident_clock` (a `time.monotonic()` reading; default:
    this call) to verified rows. `connector` opens the connection (tests map the endpoint to a local server).
    """
    started = incident_clock if incident_clock is not None else time.monotonic()
    rds = aws.client("rds", request.region)
    created: list[tuple[str, str]] = []
    try:
        request_restore(rds, request)
        created.append(("cluster", request.target_cluster))
        restored = add_writer(aws, request, created)
        return verify_restored(
            aws,
            request,
            restored,
            expected=expected,
            log=log,
            rto_seconds=lambda: time.monotonic() - started,
            connector=connector,
        )
    finally:
        if not request.keep:
            delete_restored(rds, created, aws.wait_delay(30))


def delete_restored(rds: Any, created: list[tuple[str, str]], interval: int = 30) -> None:
    """Delete what the restore created, the instance first and waited for (a cluster with instances cannot
    be deleted)."""
    for kind, identifier in sorted(created, key=lambda item: item[0] != "instance"):
        if kind == "instance":
            rds.delete_db_instance(DBInstanceIdentifier=identifier, SkipFinalSnapshot=True)
            rds.get_waiter("db_instance_deleted").wait(
                DBInstanceIdentifier=identifier, WaiterConfig={"Delay": interval, "MaxAttempts": 120}
            )
        else:
            rds.delete_db_cluster(DBClusterIdentifier=identifier, SkipFinalSnapshot=True)
