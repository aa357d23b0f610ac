"""The cell's network: one private VPC per (cell, region) that the cell's data services live in.

- a VPC with DNS support and no internet gateway, NAT gateway or public subnet;
- `subnet_count` private subnets carved from the VPC CIDR (two prefix bits more than the VPC), one per
  availability zone of the region in order (public IPs never mapped on launch);
- the VPC's default security group taken over and left without any rule, so nothing that falls back to it
  can talk (CIS AWS 5.4);
- VPC flow logs of ALL traffic (accepted and rejected) to a CloudWatch log group encrypted with the cell's logs
  key and kept `flow_log_retention_days` (365..3653), delivered by a role that only the flow-logs service of
  this account may assume, that may write only to that log group, and that carries the cell's permission
  boundary.

Services place themselves in the network from the component's outputs (`vpc_id`, `subnet_ids`, `vpc_cidr`):
each brings its own security group admitting only what it serves, from inside `vpc_cidr`.

`moved_from` names the component that declared the VPC, its default security group and subnets before this
one existed (the ledger database). Those resources are aliased to their earlier URNs, so an update moves them
into this component instead of replacing them: replacing a VPC would take down every service inside it.

Usage::

    network = CellNetwork(
        "uk-network",
        CellNetworkArgs(
            deployment="prod", cell="uk", jurisdiction="UK", region="eu-west-2", vpc_cidr="10.64.0.0/16",
            logs_kms_key_arn=key_arns["logs"], permissions_boundary_arn=boundary_arn,
        ),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
    network.vpc_id, network.subnet_ids, network.vpc_cidr
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.documents import policy_document
from components.trust import assume_role_policy
from components.validation import require_jurisdiction, require_range, require_region_in_jurisdiction
from domain.naming import flow_log_group_name, flow_log_role_name

FLOW_LOG_TRAFFIC = "ALL"
"""Accepted and rejected traffic: rejected flows are what an investigation of probing needs."""
FLOW_LOG_SERVICE = "vpc-flow-logs.amazonaws.com"
MAX_SUBNETS = 4
"""Subnets are carved with two more prefix bits than the VPC, so there are at most four."""


@dataclass(frozen=True)
class MovedFrom:
    """The component that declared this network's VPC, default security group and subnets before.

    Its children were named `<name>-vpc`, `<name>-default-sg` and `<name>-private-<index>`; it has the same
    parent as this component."""

    type_: str
    """Type token of that component, e.g. `trustfabric:resilience:LedgerDatabase`."""
    name: str
    """Its name, e.g. `uk-ledger`."""


@dataclass(frozen=True)
class CellNetworkArgs:
    """Arguments of a cell's network in one region."""

    deployment: str
    """Name shared by the stacks of a pair (`prod` for prod and dr); part of the role and log group names."""
    cell: str
    """The cell's name prefix, e.g. `uk`."""
    jurisdiction: str
    """Jurisdiction code (UK, EU, US, CA)."""
    region: str
    """Region of the network (the provider's region); validated against the jurisdiction."""
    logs_kms_key_arn: pulumi.Input[str]
    """The cell's logs key in `region`: encrypts the flow log group."""
    permissions_boundary_arn: pulumi.Input[str]
    """The cell's permission boundary, carried by the flow-log delivery role (roles exist only under it)."""
    vpc_cidr: str = "10.64.0.0/16"
    """IPv4 CIDR of the VPC, /16../24."""
    subnet_count: int = 3
    """Private subnets, one per availability zone in the region's order: 2..4."""
    flow_log_retention_days: int = 400
    """Retention of the flow log group: 365..3653 days."""
    flow_log_aggregation_seconds: int = 60
    """Flow records are aggregated over at most this long before delivery: 60 or 600."""
    moved_from: MovedFrom | None = None
    """The component that declared the VPC, default security group and subnets before (aliased, not replaced)."""


def validate_args(args: CellNetworkArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("CellNetwork", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("CellNetwork", "region", args.region, args.jurisdiction)
    require_vpc_cidr("CellNetwork", args.vpc_cidr)
    require_range("CellNetwork", "subnet_count", args.subnet_count, 2, MAX_SUBNETS)
    require_range("CellNetwork", "flow_log_retention_days", args.flow_log_retention_days, 365, 3653)
    if args.flow_log_aggregation_seconds not in (60, 600):
        raise ValueError(
            f"CellNetwork: flow_log_aggregation_seconds: {args.flow_log_aggregation_seconds!r} is not allowed; "
            "allowed: 60, 600"
        )
    if isinstance(args.permissions_boundary_arn, str) and not args.permissions_boundary_arn.startswith("arn:"):
        raise ValueError(
            f"CellNetwork: permissions_boundary_arn: {args.permissions_boundary_arn!r} is not an ARN; "
            "allowed: the cell's permission boundary policy ARN"
        )


def require_vpc_cidr(component: str, cidr: str) -> None:
    """An IPv4 network of /16../24 (AWS allows /16../28; /24 leaves four /26 subnets)."""
    try:
        network = ipaddress.ip_network(cidr)
    except ValueError:
        raise ValueError(f"{component}: vpc_cidr: {cidr!r} is not a CIDR; allowed: an IPv4 /16../24 network") from None
    if network.version != 4 or not 16 <= network.prefixlen <= 24:
        raise ValueError(f"{component}: vpc_cidr: {cidr!r} is not allowed; allowed: an IPv4 /16../24")


def subnet_cidrs(vpc_cidr: str, count: int) -> list[str]:
    """`count` equal private subnets carved from the VPC (two bits more than the VPC's prefix), in order."""
    network = ipaddress.ip_network(vpc_cidr)
    return [str(subnet) for subnet in list(network.subnets(prefixlen_diff=2))[:count]]


def flow_log_trust_policy(account_id: str, region: str) -> str:
    """Only this account's VPC flow logs in `region` may assume the role (no confused deputy)."""
    return assume_role_policy(
        FLOW_LOG_SERVICE, account_id, source_arn=("ArnLike", f"arn:aws:ec2:{region}:{account_id}:vpc-flow-log/*")
    )


def flow_log_delivery_policy(account_id: str, region: str, log_group_name: str) -> str:
    """Write to the flow log group (and its streams) only; read nothing but log group metadata."""
    group_arn = f"arn:aws:logs:{region}:{account_id}:log-group:{log_group_name}"
    return policy_document(
        [
            {
                "Sid": "DeliverFlowLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                "Resource": [group_arn, f"{group_arn}:*"],
            },
            {
                # DescribeLogGroups authorises on the account's log groups in the region, not on one group.
                "Sid": "FindTheLogGroup",
                "Effect": "Allow",
                "Action": "logs:DescribeLogGroups",
                "Resource": f"arn:aws:logs:{region}:{account_id}:log-group:*",
            },
        ]
    )


def service_security_group(
    resource_name: str,
    *,
    name: str,
    description: str,
    rule_description: str,
    port: int,
    vpc_id: pulumi.Input[str],
    vpc_cidr: str,
    opts: pulumi.ResourceOptions,
) -> aws.ec2.SecurityGroup:
    """A service's own security group in the cell network: one TCP port, from the VPC's CIDR only."""
    return aws.ec2.SecurityGroup(
        resource_name,
        name=name,
        description=description,
        vpc_id=vpc_id,
        ingress=[
            aws.ec2.SecurityGroupIngressArgs(
                description=rule_description, protocol="tcp", from_port=port, to_port=port, cidr_blocks=[vpc_cidr]
            )
        ],
        opts=opts,
    )


class CellNetwork(pulumi.ComponentResource):
    """A cell's private VPC in one region, with subnets across zones, a closed default security group and
    flow logs."""

    vpc_id: pulumi.Output[str]
    subnet_ids: list[pulumi.Output[str]]
    vpc_cidr: str
    flow_log_group_name: pulumi.Output[str]

    def __init__(self, name: str, args: CellNetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:network:CellNetwork", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        previous_parent: pulumi.Output[str] | None = None
        if args.moved_from is not None:
            previous_parent = pulumi.create_urn(
                args.moved_from.name, args.moved_from.type_, parent=opts.parent if opts is not None else None
            )

        def moved(suffix: str) -> pulumi.ResourceOptions:
            """Options of a child that an earlier component declared as `<its name>-<suffix>`."""
            if args.moved_from is None:
                return child
            alias = pulumi.Alias(name=f"{args.moved_from.name}-{suffix}", parent=previous_parent)
            return pulumi.ResourceOptions(parent=self, aliases=[alias])

        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.vpc_cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            opts=moved("vpc"),
        )
        # Take over the default security group and leave it without rules (CIS: default SG restricts all).
        aws.ec2.DefaultSecurityGroup(f"{name}-default-sg", vpc_id=vpc.id, opts=moved("default-sg"))
        zones = aws.get_availability_zones_output(state="available", opts=pulumi.InvokeOutputOptions(parent=self))

        def zone(index: int) -> pulumi.Output[str]:
            """The region's zones in order; a subnet beyond the zone count wraps round."""
            return zones.names.apply(lambda names: names[index % len(names)])

        subnets = [
            aws.ec2.Subnet(
                f"{name}-private-{index}",
                vpc_id=vpc.id,
                cidr_block=cidr,
                availability_zone=zone(index),
                map_public_ip_on_launch=False,
                opts=moved(f"private-{index}"),
            )
            for index, cidr in enumerate(subnet_cidrs(args.vpc_cidr, args.subnet_count))
        ]

        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        group_name = flow_log_group_name(args.deployment, args.cell, args.region)
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-flow-logs",
            name=group_name,
            kms_key_id=args.logs_kms_key_arn,
            retention_in_days=args.flow_log_retention_days,
            opts=child,
        )
        role = aws.iam.Role(
            f"{name}-flow-logs-role",
            name=flow_log_role_name(args.deployment, args.cell, args.region),
            description=f"VPC flow log delivery for the {args.jurisdiction} cell in {args.region}",
            assume_role_policy=account_id.apply(lambda account: flow_log_trust_policy(account, args.region)),
            permissions_boundary=args.permissions_boundary_arn,
            opts=child,
        )
        delivery = aws.iam.RolePolicy(
            f"{name}-flow-logs-role-policy",
            role=role.id,
            policy=account_id.apply(lambda account: flow_log_delivery_policy(account, args.region, group_name)),
            opts=child,
        )
        aws.ec2.FlowLog(
            f"{name}-flow-log",
            vpc_id=vpc.id,
            traffic_type=FLOW_LOG_TRAFFIC,
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=args.flow_log_aggregation_seconds,
            # The role must be able to write before the first delivery.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[delivery]),
        )

        self.vpc_id = vpc.id
        self.subnet_ids = [subnet.id for subnet in subnets]
        self.vpc_cidr = args.vpc_cidr
        self.flow_log_group_name = log_group.name
        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "subnet_ids": self.subnet_ids,
                "vpc_cidr": self.vpc_cidr,
                "flow_log_group_name": self.flow_log_group_name,
            }
        )
