"""Cell network: one private VPC per cell in every stack, flow logs of all traffic, moved (not replaced) from the
ledger database, and exact validation errors."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from components.network.cell_network import CellNetworkArgs, flow_log_delivery_policy, subnet_cidrs, validate_args
from domain.residency import JURISDICTIONS
from tests.components.helpers import CELLS, UK_PROD, only, provider_region, refusal
from trustfabric.engine import ACCOUNT_ID, run_program
from trustfabric.graph import ResourceGraph

NETWORK = "trustfabric:network:CellNetwork"
VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


def names(graph: ResourceGraph, urns: list[str]) -> list[str]:
    return sorted(graph.resources[urn].name for urn in urns)


@pytest.mark.parametrize(
    ("stack", "cidr", "region_of"), [("prod", "10.64.0.0/16", "primary"), ("dr", "10.65.0.0/16", "standby")]
)
def test_every_cell_of_the_pair_has_its_private_network(stack, cidr, region_of, request):
    graph = request.getfixturevalue(stack)
    assert sorted(r.name for r in graph.of_type(NETWORK)) == sorted(f"{cell}-network" for cell in CELLS)
    for code, jurisdiction in JURISDICTIONS.items():
        cell = code.lower()
        region = jurisdiction.primary_region if region_of == "primary" else jurisdiction.standby_region
        network = only(graph, NETWORK, f"{cell}-network")
        assert graph.resources[network.parent].type == "trustfabric:stack:Cell"
        vpc = only(graph, VPC, f"{cell}-network-vpc")
        assert vpc.parent == network.urn
        assert vpc.props["cidrBlock"] == cidr
        assert provider_region(graph, vpc) == region
        subnets = [only(graph, SUBNET, f"{cell}-network-private-{index}") for index in range(3)]
        base = cidr.split(".0.0/")[0]
        assert [s.props["cidrBlock"] for s in subnets] == [f"{base}.0.0/18", f"{base}.64.0/18", f"{base}.128.0/18"]
        assert [s.props["availabilityZone"] for s in subnets] == [f"{region}a", f"{region}b", f"{region}c"]
        assert all(s.props["mapPublicIpOnLaunch"] is False for s in subnets)
        assert all(names(graph, s.property_dependencies["vpcId"]) == [vpc.name] for s in subnets)
        assert network.outputs["vpc_cidr"] == cidr
        assert network.outputs["subnet_ids"] == [s.id for s in subnets]
    assert graph.of_type("aws:ec2/internetGateway:InternetGateway") == []
    assert graph.of_type("aws:ec2/natGateway:NatGateway") == []


def test_dev_has_one_network_in_its_single_region(dev):
    (network,) = dev.of_type(NETWORK)
    assert network.name == "uk-network"
    vpc = only(dev, VPC, "uk-network-vpc")
    assert vpc.props["cidrBlock"] == "10.64.0.0/16"
    assert provider_region(dev, vpc) == "eu-west-2"


@pytest.mark.parametrize("stack", ["prod", "dr", "dev"])
def test_every_vpc_has_flow_logs_and_a_closed_default_security_group(stack, request):
    graph = request.getfixturevalue(stack)
    vpcs = graph.of_type(VPC)
    assert vpcs
    for vpc in vpcs:
        logged = [f for f in graph.of_type(FLOW_LOG) if vpc.urn in f.property_dependencies["vpcId"]]
        assert len(logged) == 1, vpc.name
        assert logged[0].props["trafficType"] == "ALL"
        closed = [g for g in graph.of_type(DEFAULT_SG) if vpc.urn in g.property_dependencies["vpcId"]]
        assert len(closed) == 1, vpc.name
        assert not closed[0].props.get("ingress") and not closed[0].props.get("egress"), closed[0].name


def test_flow_logs_go_to_an_encrypted_log_group_kept_at_least_a_year(prod):
    flow_log = only(prod, FLOW_LOG, "uk-network-flow-log")
    props = flow_log.props
    assert props["trafficType"] == "ALL"
    assert props["logDestinationType"] == "cloud-watch-logs"
    assert props["maxAggregationInterval"] == 60
    assert names(prod, flow_log.property_dependencies["logDestination"]) == ["uk-network-flow-logs"]
    assert names(prod, flow_log.property_dependencies["iamRoleArn"]) == ["uk-network-flow-logs-role"]
    # The role may write before the first delivery.
    assert "uk-network-flow-logs-role-policy" in names(prod, flow_log.dependencies)
    group = only(prod, LOG_GROUP, "uk-network-flow-logs")
    assert group.props["name"] == "/trustfabric/prod/uk/eu-west-2/vpc-flow-logs"
    assert group.props["retentionInDays"] == 400
    assert names(prod, group.property_dependencies["kmsKeyId"]) == ["uk-keyring-logs"]


def test_dr_flow_logs_use_the_dr_regions_logs_key(dr):
    group = only(dr, LOG_GROUP, "uk-network-flow-logs")
    assert group.props["name"] == "/trustfabric/prod/uk/eu-west-1/vpc-flow-logs"
    assert names(dr, group.property_dependencies["kmsKeyId"]) == ["uk-keyring-logs-replica"]
    role = only(dr, ROLE, "uk-network-flow-logs-role")
    assert role.props["name"] == "trustfabric-prod-uk-eu-west-1-flow-logs"


def test_delivery_role_is_bounded_trusts_only_flow_logs_and_writes_only_its_group(prod):
    role = only(prod, ROLE, "uk-network-flow-logs-role")
    assert role.props["name"] == "trustfabric-prod-uk-eu-west-2-flow-logs"
    assert names(prod, role.property_dependencies["permissionsBoundary"]) == ["uk-iam-boundary"]
    assert role.props["permissionsBoundary"] == f"arn:aws:iam::{ACCOUNT_ID}:policy/trustfabric-prod-uk-boundary"
    (trust,) = json.loads(role.props["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert trust["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCOUNT_ID},
        "ArnLike": {"aws:SourceArn": f"arn:aws:ec2:eu-west-2:{ACCOUNT_ID}:vpc-flow-log/*"},
    }
    policy = only(prod, ROLE_POLICY, "uk-network-flow-logs-role-policy")
    assert names(prod, policy.property_dependencies["role"]) == ["uk-network-flow-logs-role"]
    statements = {s["Sid"]: s for s in json.loads(policy.props["policy"])["Statement"]}
    group = f"arn:aws:logs:eu-west-2:{ACCOUNT_ID}:log-group:/trustfabric/prod/uk/eu-west-2/vpc-flow-logs"
    assert statements["DeliverFlowLogs"]["Resource"] == [group, f"{group}:*"]
    assert sorted(statements["DeliverFlowLogs"]["Action"]) == [
        "logs:CreateLogStream",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
    ]
    assert statements["FindTheLogGroup"] == {
        "Sid": "FindTheLogGroup",
        "Effect": "Allow",
        "Action": "logs:DescribeLogGroups",
        "Resource": f"arn:aws:logs:eu-west-2:{ACCOUNT_ID}:log-group:*",
    }


@pytest.mark.parametrize("stack", ["prod", "dr", "dev"])
def test_vpc_and_subnets_move_from_the_ledger_database_instead_of_being_replaced(stack, request):
    graph = request.getfixturevalue(stack)
    cells = ("uk",) if stack == "dev" else CELLS
    for cell in cells:
        ledger = f"urn:pulumi:{stack}::trust-fabric::trustfabric:stack:Cell$trustfabric:resilience:LedgerDatabase::{cell}-ledger"
        moved = {
            f"{cell}-network-vpc": f"{cell}-ledger-vpc",
            f"{cell}-network-default-sg": f"{cell}-ledger-default-sg",
            **{f"{cell}-network-private-{i}": f"{cell}-ledger-private-{i}" for i in range(3)},
        }
        for name, previous in moved.items():
            (resource,) = [r for r in graph if r.name == name]
            assert resource.options["aliases"] == [{"spec": {"name": previous, "parentUrn": ledger}}], name
        assert "aliases" not in only(graph, FLOW_LOG, f"{cell}-network-flow-log").options
        # Nothing of the network is left under the ledger database.
        assert [r.name for r in graph.children(ledger) if r.type in (VPC, SUBNET, DEFAULT_SG)] == []


def test_the_ledger_and_the_log_domain_live_in_the_cell_network(prod):
    subnets = [f"uk-network-private-{i}" for i in range(3)]
    subnet_group = only(prod, "aws:rds/subnetGroup:SubnetGroup", "uk-ledger-subnets")
    assert names(prod, subnet_group.property_dependencies["subnetIds"]) == subnets
    ledger_sg = only(prod, "aws:ec2/securityGroup:SecurityGroup", "uk-ledger-sg")
    assert names(prod, ledger_sg.property_dependencies["vpcId"]) == ["uk-network-vpc"]
    domain = only(prod, "aws:opensearch/domain:Domain", "uk-logs-domain")
    assert names(prod, domain.property_dependencies["vpcOptions"]) == sorted([*subnets, "uk-logs-sg"])


# A program that declares the component alone, with every default overridden: what the component records,
# independent of the stacks.
PROGRAM = """\
import pulumi
import pulumi_aws as aws

from components.network.cell_network import CellNetwork, CellNetworkArgs

provider = aws.Provider("ca", region="ca-west-1")
CellNetwork(
    "lab",
    CellNetworkArgs(
        deployment="lab",
        cell="ca",
        jurisdiction="CA",
        region="ca-west-1",
        vpc_cidr="10.9.8.0/24",
        logs_kms_key_arn="arn:aws:kms:ca-west-1:123456789012:key/logs",
        permissions_boundary_arn="arn:aws:iam::123456789012:policy/lab-boundary",
        subnet_count=2,
        flow_log_retention_days=731,
        flow_log_aggregation_seconds=600,
    ),
    opts=pulumi.ResourceOptions(provider=provider),
)
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> ResourceGraph:
    root: Path = tmp_path_factory.mktemp("lab")
    (root / "Pulumi.yaml").write_text("name: lab\nruntime: python\n", encoding="utf-8")
    (root / "Pulumi.lab.yaml").write_text("config:\n  aws:region: ca-west-1\n", encoding="utf-8")
    (root / "__main__.py").write_text(textwrap.dedent(PROGRAM), encoding="utf-8")
    return run_program(root, "lab")


def test_component_records_its_arguments(lab):
    (network,) = lab.of_type(NETWORK)
    children = {r.name: r for r in lab.children(network.urn)}
    assert sorted(children) == [
        "lab-default-sg",
        "lab-flow-log",
        "lab-flow-logs",
        "lab-flow-logs-role",
        "lab-flow-logs-role-policy",
        "lab-private-0",
        "lab-private-1",
        "lab-vpc",
    ]
    assert all(child.provider and child.provider.endswith("::ca") for child in children.values())
    assert children["lab-vpc"].props == {
        "cidrBlock": "10.9.8.0/24",
        "enableDnsHostnames": True,
        "enableDnsSupport": True,
    }
    assert [children[f"lab-private-{i}"].props["cidrBlock"] for i in range(2)] == ["10.9.8.0/26", "10.9.8.64/26"]
    assert children["lab-flow-logs"].props == {
        "name": "/trustfabric/lab/ca/ca-west-1/vpc-flow-logs",
        "kmsKeyId": "arn:aws:kms:ca-west-1:123456789012:key/logs",
        "retentionInDays": 731,
    }
    assert (
        children["lab-flow-logs-role"].props["permissionsBoundary"] == "arn:aws:iam::123456789012:policy/lab-boundary"
    )
    assert children["lab-flow-log"].props["maxAggregationInterval"] == 600
    assert children["lab-flow-log"].props["trafficType"] == "ALL"
    # Nothing moved into a component that was never declared elsewhere.
    assert all("aliases" not in child.options for child in children.values())
    assert network.outputs["vpc_cidr"] == "10.9.8.0/24"


def test_subnets_are_carved_in_order_from_the_vpc():
    assert subnet_cidrs("10.64.0.0/16", 3) == ["10.64.0.0/18", "10.64.64.0/18", "10.64.128.0/18"]
    assert subnet_cidrs("10.1.2.0/24", 4) == ["10.1.2.0/26", "10.1.2.64/26", "10.1.2.128/26", "10.1.2.192/26"]


def test_delivery_policy_names_no_other_log_group():
    statements = json.loads(flow_log_delivery_policy("111122223333", "eu-west-2", "/x/flow"))["Statement"]
    assert [s["Resource"] for s in statements] == [
        [
            "arn:aws:logs:eu-west-2:111122223333:log-group:/x/flow",
            "arn:aws:logs:eu-west-2:111122223333:log-group:/x/flow:*",
        ],
        "arn:aws:logs:eu-west-2:111122223333:log-group:*",
    ]


ARGS = {
    **UK_PROD,
    "logs_kms_key_arn": "arn:aws:kms:eu-west-2:123456789012:key/logs",
    "permissions_boundary_arn": "arn:aws:iam::123456789012:policy/boundary",
}


def test_the_defaults_are_valid():
    validate_args(CellNetworkArgs(**ARGS))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"jurisdiction": "FR"}, "CellNetwork: jurisdiction: unknown jurisdiction 'FR'; allowed: UK, EU, US, CA"),
        (
            {"region": "us-east-1"},
            "CellNetwork: region: region 'us-east-1' is outside UK's allowed regions; allowed: eu-west-2, eu-west-1",
        ),
        ({"vpc_cidr": "10.0.0.0/8"}, "CellNetwork: vpc_cidr: '10.0.0.0/8' is not allowed; allowed: an IPv4 /16../24"),
        ({"vpc_cidr": "fd00::/56"}, "CellNetwork: vpc_cidr: 'fd00::/56' is not allowed; allowed: an IPv4 /16../24"),
        (
            {"vpc_cidr": "10.64.0.0/33"},
            "CellNetwork: vpc_cidr: '10.64.0.0/33' is not a CIDR; allowed: an IPv4 /16../24 network",
        ),
        ({"subnet_count": 1}, "CellNetwork: subnet_count: 1 is out of range; allowed: 2..4"),
        ({"subnet_count": 5}, "CellNetwork: subnet_count: 5 is out of range; allowed: 2..4"),
        (
            {"flow_log_retention_days": 90},
            "CellNetwork: flow_log_retention_days: 90 is out of range; allowed: 365..3653",
        ),
        (
            {"flow_log_aggregation_seconds": 300},
            "CellNetwork: flow_log_aggregation_seconds: 300 is not allowed; allowed: 60, 600",
        ),
        (
            {"permissions_boundary_arn": ""},
            "CellNetwork: permissions_boundary_arn: '' is not an ARN; allowed: the cell's permission boundary policy ARN",
        ),
    ],
)
def test_bad_arguments_are_rejected_with_the_allowed_values(overrides, message):
    assert refusal(lambda: validate_args(CellNetworkArgs(**{**ARGS, **overrides}))) == message
