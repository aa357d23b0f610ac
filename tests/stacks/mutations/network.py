"""Mutations for the network policies. Network exposure: security groups."""

from __future__ import annotations

import pulumi_aws as aws

from tests.stacks.mutations.edits import update_at
from tests.stacks.mutations.model import Mutation

MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        policy="aws-ec2-security-group-no-public-admin-ingress",
        stack="dev",
        type="aws:ec2/securityGroup:SecurityGroup",
        name="uk-ledger-sg",
        change="open SSH (22) to 0.0.0.0/0 on the Aurora security group",
        expect="admits 0.0.0.0/0",
        edit=update_at(
            ["ingress"],
            lambda rules: [
                *(rules or []),
                aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=22, to_port=22, cidr_blocks=["0.0.0.0/0"]),
            ],
        ),
    ),
)
