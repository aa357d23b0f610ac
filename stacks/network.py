"""The network layer of a cell: its private VPC in the cell's region (subnets across zones, flow logs).

Declared after security (the flow log group is encrypted with the cell's logs key; the delivery role carries the
cell's permission boundary) and before resilience and observability, whose ledger database and log domain live
in it. Every stack gets one per cell: prod in the primary region, dr (standby or active) in the standby region,
dev in its single region. The two regions of a pair use different CIDRs so they can be peered for failback
tooling.

The VPC, its default security group and its subnets were first declared by the ledger database; they are
aliased to those earlier URNs (`MovedFrom`) so an update moves them rather than replacing them.

Returns `NetworkOutputs`: the VPC id, its private subnet ids (one per zone) and its CIDR.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from components.network.cell_network import CellNetwork, CellNetworkArgs, MovedFrom
from stacks.context import CellContext
from stacks.security import SecurityOutputs
from stacks.settings import deployment

VPC_CIDRS = {"primary": "10.64.0.0/16", "standby": "10.65.0.0/16"}
"""Cell VPCs by footprint: the regions of a pair differ so they can be peered."""
LEDGER_TYPE = "trustfabric:resilience:LedgerDatabase"
"""The component that declared the cell's VPC before the network layer existed."""


@dataclass(frozen=True)
class NetworkOutputs:
    """Where the cell's data stores and log domain live."""

    vpc_id: pulumi.Output[str]
    subnet_ids: Sequence[pulumi.Output[str]]
    """Private subnets, one per availability zone."""
    vpc_cidr: str
    """The only source the stores' security groups admit."""


def declare(ctx: CellContext, security: SecurityOutputs) -> NetworkOutputs:
    settings = ctx.settings
    network = CellNetwork(
        f"{ctx.name}-network",
        CellNetworkArgs(
            deployment=deployment(settings),
            **ctx.placement,
            vpc_cidr=VPC_CIDRS["standby" if settings.is_standby_footprint else "primary"],
            logs_kms_key_arn=security.key_arns["logs"],
            permissions_boundary_arn=security.permission_boundary_arn,
            flow_log_retention_days=settings.observability.log_retention_days,
            moved_from=MovedFrom(type_=LEDGER_TYPE, name=f"{ctx.name}-ledger"),
        ),
        opts=ctx.opts,
    )
    return NetworkOutputs(vpc_id=network.vpc_id, subnet_ids=network.subnet_ids, vpc_cidr=network.vpc_cidr)
