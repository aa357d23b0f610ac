"""Ledger database: global cluster in prod, secondary in dr, encryption, switchover-safe options, the cell network,
query logging and enhanced monitoring."""

from __future__ import annotations

import json

import pytest

from components.resilience.aurora import SWITCHOVER_FIELDS, LedgerDatabaseArgs, validate_args
from domain.residency import JURISDICTIONS
from tests.components.helpers import (
    CELLS,
    UK_PROD,
    dependency_names,
    named,
    only,
    parent_type,
    provider_region,
    refusal,
)
from trustfabric.engine import ACCOUNT_ID

GLOBAL = "aws:rds/globalCluster:GlobalCluster"
CLUSTER = "aws:rds/cluster:Cluster"
INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
SG = "aws:ec2/securityGroup:SecurityGroup"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"


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


@pytest.mark.parametrize(("stack", "cidr"), [("prod", "10.64.0.0/16"), ("dr", "10.65.0.0/16")])
def test_database_sits_in_the_cell_network_behind_its_own_security_group(stack, cidr, request):
    graph = request.getfixturevalue(stack)
    sg = only(graph, SG, "uk-ledger-sg")
    assert dependency_names(graph, sg, "vpcId") == ["uk-network-vpc"]
    (rule,) = sg.props["ingress"]
    assert rule["cidrBlocks"] == [cidr] and rule["fromPort"] == 5432 and rule["toPort"] == 5432
    assert "egress" not in sg.props or sg.props["egress"] == []
    subnet_group = only(graph, "aws:rds/subnetGroup:SubnetGroup", "uk-ledger-subnets")
    assert sorted(dependency_names(graph, subnet_group, "subnetIds")) == [f"uk-network-private-{i}" for i in range(3)]
    cluster = only(graph, CLUSTER, "uk-ledger-cluster")
    assert dependency_names(graph, cluster, "vpcSecurityGroupIds") == ["uk-ledger-sg"]
    # The network is the cell's, not the database's.
    ledger = named(graph, "uk-ledger")
    assert [r.name for r in graph.children(ledger.urn) if r.type.startswith("aws:ec2/") and r.type != SG] == []


def test_logs_are_exported_encrypted_and_statements_logged(prod):
    logs = only(prod, LOG_GROUP, "uk-ledger-postgresql-logs")
    assert logs.props["name"] == "/aws/rds/cluster/trustfabric-prod-uk-ledger-eu-west-2/postgresql"
    assert logs.props["retentionInDays"] >= 365
    assert dependency_names(prod, logs, "kmsKeyId") == ["uk-keyring-logs"]
    cluster = only(prod, CLUSTER, "uk-ledger-cluster")
    assert cluster.props["enabledCloudwatchLogsExports"] == ["postgresql"]
    assert dependency_names(prod, cluster, "dbClusterParameterGroupName") == ["uk-ledger-parameters"]
    group = named(prod, "uk-ledger-parameters")
    parameters = {p["name"]: p["value"] for p in group.props["parameters"]}
    assert parameters == {
        "rds.force_ssl": "1",
        "log_connections": "1",
        "log_disconnections": "1",
        "log_statement": "ddl",
        "log_min_duration_statement": "1000",
    }
    # Immutable in AWS: a changed description would replace the group the running cluster uses.
    assert group.props["description"] == "TLS only; connections and disconnections logged"


@pytest.mark.parametrize("stack", ["prod", "dr", "dev"])
def test_every_instance_has_enhanced_monitoring_through_a_bounded_role(stack, request):
    graph = request.getfixturevalue(stack)
    assert graph.of_type(INSTANCE)
    for instance in graph.of_type(INSTANCE):
        cell = instance.name.split("-")[0]
        assert instance.props["monitoringInterval"] == 60, instance.name
        assert dependency_names(graph, instance, "monitoringRoleArn") == [f"{cell}-ledger-monitoring-role"]
        assert f"{cell}-ledger-monitoring-role-policy" in [graph.get(urn).name for urn in instance.dependencies]
    role = only(graph, ROLE, "uk-ledger-monitoring-role")
    region = provider_region(graph, role)
    deployment = "dev" if stack == "dev" else "prod"
    assert role.props["name"] == f"trustfabric-{deployment}-uk-ledger-{region}-monitoring"
    assert dependency_names(graph, role, "permissionsBoundary") == ["uk-iam-boundary"]
    (trust,) = json.loads(role.props["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "monitoring.rds.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}
    attachment = only(graph, ATTACHMENT, "uk-ledger-monitoring-role-policy")
    assert attachment.props["policyArn"] == "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
    assert dependency_names(graph, attachment, "role") == ["uk-ledger-monitoring-role"]


ARGS = {
    **UK_PROD,
    "kms_key_arn": "k",
    "logs_kms_key_arn": "l",
    "secrets_kms_key_arn": "s",
    "vpc_id": "vpc-1",
    "subnet_ids": ["subnet-a", "subnet-b", "subnet-c"],
    "vpc_cidr": "10.64.0.0/16",
    "permissions_boundary_arn": "b",
}


def test_the_defaults_are_valid():
    validate_args(LedgerDatabaseArgs(**ARGS))


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
        (
            {"subnet_ids": ["subnet-a"]},
            "LedgerDatabase: subnet_ids: 1 given; allowed: 2 or more private subnets in different availability zones",
        ),
        (
            {"log_statement": "none"},
            "LedgerDatabase: log_statement: 'none' is not allowed; allowed: ddl, mod, all",
        ),
        (
            {"log_min_duration_statement_ms": -1},
            "LedgerDatabase: log_min_duration_statement_ms: -1 is out of range; allowed: 100..60000",
        ),
        (
            {"monitoring_interval": 0},
            "LedgerDatabase: monitoring_interval: 0 is not allowed; allowed: 1, 5, 10, 15, 30, 60",
        ),
    ],
)
def test_bad_arguments_are_rejected_with_the_allowed_values(overrides, message):
    assert refusal(lambda: validate_args(LedgerDatabaseArgs(**{**ARGS, **overrides}))) == message
