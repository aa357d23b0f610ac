"""The OpenTelemetry collector's AWS identity: how its pods sign their writes to the cell's log domain.

- an IAM role that only EKS Pod Identity may assume, for this account and the cell's cluster only, carrying the
  cell's permission boundary, bound to the collector's service account (namespace `observability`, service
  account `otel-collector`) on the cell's cluster (`components.observability.pod_identity`, shared with the
  CloudWatch exporter): no long-lived keys, no IRSA annotation, and no other pod of the cluster receives the role;
- `allow_writes(domain_arn)`: an inline policy allowing `es:ESHttpPost` and `es:ESHttpPut` on that domain's
  indexes only. The domain's access policy names the role as its writer, so both sides agree.

The role exists before the domain (the domain's access policy names it) and is granted the domain after it,
which is why the grant is a separate step.

Usage::

    identity = CollectorIdentity(
        "uk-collector",
        CollectorIdentityArgs(deployment="prod", cell="uk", region="eu-west-2", cluster_name="trustfabric-prod-uk",
                              permissions_boundary_arn=boundary_arn),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
    domain = LogDomain(..., LogDomainArgs(..., writer_role_arns=[identity.role_arn]))
    identity.allow_writes(domain.arn)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.observability.pod_identity import pod_identity_role, validate_pod_identity

WRITE_ACTIONS = ("es:ESHttpPost", "es:ESHttpPut")
"""Bulk indexing and index writes: the collector never reads, deletes or administers."""


@dataclass(frozen=True)
class CollectorIdentityArgs:
    """Arguments of the collector's identity in one cell."""

    deployment: str
    """Name shared by the stacks of a pair (`prod` for prod and dr); part of the role name."""
    cell: str
    """The cell's name prefix, e.g. `uk`."""
    region: str
    """Region of the cell's cluster (the provider's region)."""
    cluster_name: str
    """Name of the cell's EKS cluster (stack setting `cells[].eksCluster`)."""
    permissions_boundary_arn: pulumi.Input[str]
    """The cell's permission boundary, carried by the role."""
    namespace: str = "observability"
    service_account: str = "otel-collector"


def validate_args(args: CollectorIdentityArgs) -> None:
    """Raise ValueError naming the first bad argument."""
    validate_pod_identity("CollectorIdentity", args)


def role_name(args: CollectorIdentityArgs) -> str:
    return f"trustfabric-{args.deployment}-{args.cell}-{args.region}-log-writer"


def write_policy(domain_arn: str) -> str:
    """Index writes to this domain only."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "WriteLogs",
                    "Effect": "Allow",
                    "Action": list(WRITE_ACTIONS),
                    "Resource": f"{domain_arn}/*",
                }
            ],
        },
        sort_keys=True,
    )


class CollectorIdentity(pulumi.ComponentResource):
    """The collector's role, bound to its service account by EKS Pod Identity."""

    role_arn: pulumi.Output[str]
    role_name: pulumi.Output[str]

    def __init__(self, name: str, args: CollectorIdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:observability:CollectorIdentity", name, None, opts)
        self._name = name
        description = f"OpenTelemetry collector of {args.cell} ({args.region}): writes redacted logs"
        self._role = pod_identity_role(name, args, role_name=role_name(args), description=description, parent=self).role
        self.role_arn = self._role.arn
        self.role_name = self._role.name
        self.register_outputs({"role_arn": self.role_arn})

    def allow_writes(self, domain_arn: pulumi.Input[str]) -> aws.iam.RolePolicy:
        """Grant the role index writes on one domain (declared after the domain, which names the role)."""
        policy: Any = pulumi.Output.from_input(domain_arn).apply(write_policy)
        return aws.iam.RolePolicy(
            f"{self._name}-write-logs",
            role=self._role.name,
            policy=policy,
            opts=pulumi.ResourceOptions(parent=self),
        )
