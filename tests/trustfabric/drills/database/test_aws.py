"""The AWS side: RestoreDBClusterToPointInTime, the IAM/TLS endpoint and the same verification.

moto implements restore_db_cluster_to_point_in_time, create_db_instance in a cluster, the waiters' describe
calls, Secrets Manager and deletion; the restored cluster holds no data there, so the connector maps the
endpoint the drill built (asserted field by field) onto a local PostgreSQL holding the ledger. Not tested
against AWS: that Aurora accepts the IAM token, that verify-full succeeds with the RDS CA bundle, and what a
real point-in-time restore recovers (the local PITR drill proves that on PostgreSQL itself).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.stub import Stubber

from trustfabric.drills.common import Aws
from trustfabric.drills.database.aws import ClusterRestore, iam_endpoint, restore_cluster_to_point_in_time
from trustfabric.drills.database.checksums import take_checksums
from trustfabric.drills.database.commits import CommitLog, write_commits
from trustfabric.drills.database.endpoint import DatabaseEndpoint, connect
from trustfabric.drills.database.ledger import STREAM_FIRST_ID
from trustfabric.drills.database.server import Server
from trustfabric.errors import TrustFabricError

REGION = "eu-west-2"


@pytest.fixture
def source_cluster(aws: Aws) -> Iterator[str]:
    rds = aws.client("rds", REGION)
    rds.create_db_cluster(
        DBClusterIdentifier="trustfabric-prod-uk-ledger-eu-west-2",
        Engine="aurora-postgresql",
        MasterUsername="ledger_admin",
        MasterUserPassword="not-used-by-the-drill",
    )
    aws.client("secretsmanager", REGION).create_secret(
        Name="trustfabric/prod/uk/ledger-drill", SecretString=json.dumps({"username": "drill_reader"})
    )
    yield "trustfabric-prod-uk-ledger-eu-west-2"


def request(ca_bundle: str, restore_time: dt.datetime) -> ClusterRestore:
    return ClusterRestore(
        source_cluster="trustfabric-prod-uk-ledger-eu-west-2",
        target_cluster="trustfabric-drill-uk-pitr",
        restore_time=restore_time,
        region=REGION,
        secret_id="trustfabric/prod/uk/ledger-drill",
        ca_bundle=ca_bundle,
        subnet_group="ledger-subnets",
        security_groups=("sg-0123",),
        kms_key_id="alias/trustfabric-uk-data",
    )


def test_the_restore_verifies_rows_and_commits_through_an_iam_tls_endpoint(
    aws: Aws, source_cluster: str, ca_bundle: str, primary: Server, database: str
) -> None:
    with primary.connect(database) as connection:
        expected = take_checksums(connection)
        log = CommitLog()
        write_commits(connection, log, range(STREAM_FIRST_ID, STREAM_FIRST_ID + 5))
    restore_time = dt.datetime.now(dt.UTC)
    seen: list[DatabaseEndpoint] = []

    def connector(endpoint: DatabaseEndpoint) -> Any:
        seen.append(endpoint)
        return connect(primary.endpoint(database))

    result = restore_cluster_to_point_in_time(
        aws, request(ca_bundle, restore_time), expected=expected, log=log, connector=connector
    )

    (endpoint,) = seen
    assert endpoint.host.startswith("trustfabric-drill-uk-pitr.cluster-") and endpoint.port == 5432
    assert (endpoint.user, endpoint.dbname, endpoint.sslmode, endpoint.sslrootcert) == (
        "drill_reader", "ledger", "verify-full", ca_bundle
    )  # fmt: skip
    assert str(endpoint.password).startswith(f"{endpoint.host}:5432/?Action=connect&DBUser=drill_reader&")
    assert result.environment == "aws" and result.kind == "pitr"
    assert result.problems() == []
    assert result.commits is not None and result.commits.acknowledged == 5 and not result.commits.missing
    assert result.rows is not None and result.rows.ok
    clusters = aws.client("rds", REGION).describe_db_clusters()["DBClusters"]
    assert [c["DBClusterIdentifier"] for c in clusters] == [source_cluster]  # the restored one was deleted


def test_the_restore_request_is_exactly_this(aws: Aws, ca_bundle: str) -> None:
    restore_time = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
    wanted = request(ca_bundle, restore_time)
    rds = aws.client("rds", REGION)
    with Stubber(rds) as stub:
        stub.add_response(
            "restore_db_cluster_to_point_in_time",
            {"DBCluster": {"DBClusterIdentifier": "trustfabric-drill-uk-pitr"}},
            {
                "DBClusterIdentifier": "trustfabric-drill-uk-pitr",
                "SourceDBClusterIdentifier": "trustfabric-prod-uk-ledger-eu-west-2",
                "RestoreType": "full-copy",
                "RestoreToTime": restore_time,
                "EnableIAMDatabaseAuthentication": True,
                "DeletionProtection": False,
                "CopyTagsToSnapshot": True,
                "Tags": [{"Key": "purpose", "Value": "pitr-drill"}],
                "DBSubnetGroupName": "ledger-subnets",
                "VpcSecurityGroupIds": ["sg-0123"],
                "KmsKeyId": "alias/trustfabric-uk-data",
            },
        )
        rds.restore_db_cluster_to_point_in_time(**wanted.restore_parameters())
        stub.assert_no_pending_responses()


def test_a_missing_ca_bundle_is_bad_input_naming_where_to_get_it(aws: Aws, source_cluster: str) -> None:
    with pytest.raises(TrustFabricError) as raised:
        iam_endpoint(aws, REGION, "h", 5432, "ledger", "trustfabric/prod/uk/ledger-drill", "/nonexistent.pem")
    assert str(raised.value) == (
        "RDS CA bundle /nonexistent.pem not found; download "
        "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem and pass --ca-bundle or set "
        "TRUSTFABRIC_RDS_CA_BUNDLE"
    )


def test_a_secret_without_a_username_is_bad_input(aws: Aws, ca_bundle: str) -> None:
    aws.client("secretsmanager", REGION).create_secret(Name="plain", SecretString="hunter2")

    with pytest.raises(TrustFabricError) as raised:
        iam_endpoint(aws, REGION, "h", 5432, "ledger", "plain", ca_bundle)
    assert str(raised.value) == 'secret plain: no "username" in its JSON SecretString'
