"""Ledger database: global cluster in prod, secondary in dr, encryption, switchover-safe options, network."""

from __future__ import annotations

import pytest

from components.resilience.aurora import SWITCHOVER_FIELDS, LedgerDatabaseArgs, subnet_cidrs, validate_args
from tests.components.resilience.conftest import CELLS, named, only, parent_type, provider_region
from trustfabric.residency import JURISDICTIONS

GLOBAL = "aws:rds/globalCluster:GlobalCluster"
CLUSTER = "aws:rds/cluster:Cluster"
INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
SG = "aws:ec2/securityGroup:SecurityGroup"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def dependency_names(graph, resource, prop):
    return [graph.get(urn).name for urn in resource.property_dependencies.get(prop, [])]


def instances(graph, cell):
    return [i for i in graph.of_type(INSTANCE) if i.name.startswith(f"{cell}-ledger-instance-")]


def test_prod_declares_the_global_database_and_its_writer(prod):
    assert {g.props["globalClusterIdentifier"] for g in prod.of_type(GLOBAL)} == {
        f"trustfabric-prod-{cell}-ledger" for cell in CELLS
    }
    for code, jurisdiction in JURISDICTIONS.items():
        cell = code.lower()
        glob = only(prod, GLOBAL, f"{cell}-ledger-global")
        assert glob.props["storageEncrypted"] is True and glob.props["deletionProtection"] is True
        cluster = only(prod, CLUSTER, f"{cell}-ledger-cluster")
        props = cluster.props
        assert dependency_names(prod, cluster, "globalClusterIdentifier") == [f"{cell}-ledger-global"]
        assert props["clusterIdentifier"] == f"trustfabric-prod-{cell}-ledger-{jurisdiction.primary_region}"
        assert props["storageEncrypted"] is True
        assert dependency_names(prod, cluster, "kmsKeyId") == [f"{cell}-keyring-data-restricted"]
        assert props["deletionProtection"] is True
        assert props["iamDatabaseAuthenticationEnabled"] is True
        assert props["backupRetentionPeriod"] == 35
        assert props["manageMasterUserPassword"] is True and "masterPassword" not in props
        assert dependency_names(prod, cluster, "masterUserSecretKmsKeyId") == [f"{cell}-keyring-secrets"]
        assert props["tags"] == {"backup-tier": "tier0", "ledger-role": "writer"}
        assert provider_region(prod, cluster) == jurisdiction.primary_region
        assert parent_type(prod, cluster) == "trustfabric:resilience:LedgerDatabase"
        # prod is `large`: replicas 3.
        assert len(instances(prod, cell)) == 3
        assert all(i.props["publiclyAccessible"] is False for i in instances(prod, cell))
        assert {i.props["instanceClass"] for i in instances(prod, cell)} == {"db.r6g.2xlarge"}


def test_dr_declares_the_secondary_by_identifier_with_the_dr_key(dr):
    assert dr.of_type(GLOBAL) == []
    for code, jurisdiction in JURISDICTIONS.items():
        cell = code.lower()
        cluster = only(dr, CLUSTER, f"{cell}-ledger-cluster")
        props = cluster.props
        assert props["globalClusterIdentifier"] == f"trustfabric-prod-{cell}-ledger"
        assert "replicationSourceIdentifier" not in props
        assert "masterUsername" not in props and "manageMasterUserPassword" not in props
        assert dependency_names(dr, cluster, "kmsKeyId") == [f"{cell}-keyring-data-restricted-replica"]
        assert props["storageEncrypted"] is True
        assert props["backupRetentionPeriod"] >= 7
        assert props["tags"]["ledger-role"] == "reader"
        assert provider_region(dr, cluster) == jurisdiction.standby_region
        # dr is `small` while standby: one instance.
        assert len(instances(dr, cell)) == 1


@pytest.mark.parametrize("stack", ["prod", "dr"])
def test_switchover_fields_are_ignored_so_a_reconcile_never_detaches(stack, request):
    graph = request.getfixturevalue(stack)
    assert {"globalClusterIdentifier", "replicationSourceIdentifier"} <= set(SWITCHOVER_FIELDS)
    for cluster in graph.of_type(CLUSTER):
        assert set(SWITCHOVER_FIELDS) <= set(cluster.options["ignore_changes"]), cluster.name


def test_dev_is_a_standalone_cluster(dev):
    assert dev.of_type(GLOBAL) == []
    cluster = only(dev, CLUSTER, "uk-ledger-cluster")
    assert "globalClusterIdentifier" not in cluster.props
    assert cluster.props["backupRetentionPeriod"] == 7


def test_network_is_private_and_logs_are_kept_encrypted(prod):
    sg = only(prod, SG, "uk-ledger-sg")
    (rule,) = sg.props["ingress"]
    assert rule["cidrBlocks"] == ["10.64.0.0/16"] and rule["fromPort"] == 5432
    assert "egress" not in sg.props or sg.props["egress"] == []
    for subnet in prod.of_type("aws:ec2/subnet:Subnet"):
        assert subnet.props["mapPublicIpOnLaunch"] is False
    assert prod.of_type("aws:ec2/internetGateway:InternetGateway") == []
    assert named(prod, "uk-ledger-default-sg").props.get("ingress") in (None, [])
    logs = only(prod, LOG_GROUP, "uk-ledger-postgresql-logs")
    assert logs.props["name"] == "/aws/rds/cluster/trustfabric-prod-uk-ledger-eu-west-2/postgresql"
    assert logs.props["retentionInDays"] >= 365
    assert dependency_names(prod, logs, "kmsKeyId") == ["uk-keyring-logs"]
    parameters = {p["name"]: p["value"] for p in named(prod, "uk-ledger-parameters").props["parameters"]}
    assert parameters["rds.force_ssl"] == "1"


def test_subnets_are_carved_from_the_vpc():
    assert subnet_cidrs("10.64.0.0/16") == ["10.64.0.0/18", "10.64.64.0/18", "10.64.128.0/18"]


ARGS = {
    "deployment": "prod",
    "cell": "uk",
    "jurisdiction": "UK",
    "region": "eu-west-2",
    "kms_key_arn": "k",
    "logs_kms_key_arn": "l",
    "secrets_kms_key_arn": "s",
}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"global_role": "replica"},
            "LedgerDatabase: global_role: 'replica' is not allowed; allowed: primary, secondary, standalone",
        ),
        (
            {"backup_retention_days": 3},
            "LedgerDatabase: backup_retention_days: 3 is out of range; allowed: 7..35",
        ),
        ({"instance_count": 0}, "LedgerDatabase: instance_count: 0 is out of range; allowed: 1..15"),
        (
            {"secrets_kms_key_arn": None},
            "LedgerDatabase: secrets_kms_key_arn: required for a standalone cluster (it holds the managed master "
            "password); allowed: the cell's secrets key ARN",
        ),
        (
            {"global_role": "primary", "writer": False},
            "LedgerDatabase: writer: a primary cluster is always the writer; allowed: True",
        ),
        (
            {"region": "us-west-2"},
            "LedgerDatabase: region: region 'us-west-2' is outside UK's allowed regions; allowed: eu-west-2, eu-west-1",
        ),
        (
            {"vpc_cidr": "10.0.0.0/8"},
            "LedgerDatabase: vpc_cidr: '10.0.0.0/8' is not allowed; allowed: an IPv4 /16../24",
        ),
    ],
)
def test_bad_arguments_are_rejected_with_the_allowed_values(overrides, message):
    with pytest.raises(ValueError) as error:
        validate_args(LedgerDatabaseArgs(**{**ARGS, **overrides}))
    assert str(error.value) == message
