"""A role that one Kubernetes service account receives through EKS Pod Identity: one definition for every
in-cluster workload of a cell that calls AWS (the OpenTelemetry collector, the CloudWatch exporter).

- the role may be assumed only by EKS Pod Identity (`pods.eks.amazonaws.com`), for this account and the cell's
  cluster only (`aws:SourceAccount`, `aws:SourceArn` of the cluster), carries the cell's permission boundary and
  1-hour sessions;
- an EKS Pod Identity association binds it to one service account in one namespace of that cluster: no
  long-lived keys, no IRSA annotation, and no other pod of the cluster receives the role.

What the role may do is its caller's inline policy, declared beside it.

Usage (`args`: any arguments with the `PodIdentityPlacement` fields, e.g. `MetricsExporterArgs`)::

    validate_pod_identity("MetricsExporter", args)
    identity = pod_identity_role(name, args, role_name=role_name(args), description="...", parent=self)
    aws.iam.RolePolicy(f"{name}-read-metrics", role=identity.role.name, policy=..., opts=child)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

import pulumi
import pulumi_aws as aws

from components.trust import assume_role_policy

POD_IDENTITY_SERVICE = "pods.eks.amazonaws.com"
CLUSTER_NAME = re.compile(r"^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$")
"""EKS cluster names: 1-100 characters, alphanumerics, hyphens and underscores, starting alphanumeric."""
KUBERNETES_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
"""Namespaces and service accounts: RFC 1123 labels."""
MAX_SESSION_SECONDS = 3600


class PodIdentityPlacement(Protocol):
    """Where the role is received: the fields a caller's arguments carry (`CollectorIdentityArgs`,
    `MetricsExporterArgs`)."""

    @property
    def region(self) -> str:
        """Region of the cell's cluster (the provider's region)."""
        ...

    @property
    def cluster_name(self) -> str:
        """The cell's EKS cluster (`cells[].eksCluster`)."""
        ...

    @property
    def namespace(self) -> str: ...

    @property
    def service_account(self) -> str: ...

    @property
    def permissions_boundary_arn(self) -> pulumi.Input[str]:
        """The cell's permission boundary, carried by the role."""
        ...


@dataclass(frozen=True)
class PodIdentityRole:
    """The declared role and its association (callers grant the role and may depend on the association)."""

    role: aws.iam.Role
    association: aws.eks.PodIdentityAssociation


def validate_pod_identity(component: str, placement: PodIdentityPlacement) -> None:
    """Raise ValueError naming the first bad argument of `component`."""
    if not CLUSTER_NAME.match(placement.cluster_name):
        raise ValueError(
            f"{component}: cluster_name: {placement.cluster_name!r} is not an EKS cluster name; "
            "allowed: 1-100 letters, digits, '-' or '_', starting with a letter or digit"
        )
    for field_name, value in (("namespace", placement.namespace), ("service_account", placement.service_account)):
        if not KUBERNETES_NAME.match(value):
            raise ValueError(f"{component}: {field_name}: {value!r} is not a Kubernetes name")


def trust_policy(account_id: str, region: str, cluster_name: str) -> str:
    """Only EKS Pod Identity, acting for this account's cluster, may assume the role (and tag the session)."""
    return assume_role_policy(
        POD_IDENTITY_SERVICE,
        account_id,
        actions=("sts:AssumeRole", "sts:TagSession"),
        source_arn=("ArnEquals", f"arn:aws:eks:{region}:{account_id}:cluster/{cluster_name}"),
        sid="EksPodIdentity",
    )


def pod_identity_role(
    name: str, placement: PodIdentityPlacement, *, role_name: str, description: str, parent: pulumi.Resource
) -> PodIdentityRole:
    """Declare `{name}-role` and `{name}-pod-identity` as children of `parent`."""
    child = pulumi.ResourceOptions(parent=parent)
    account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=parent)).account_id
    region, cluster_name = placement.region, placement.cluster_name
    role = aws.iam.Role(
        f"{name}-role",
        name=role_name,
        description=description,
        assume_role_policy=account_id.apply(lambda account: trust_policy(account, region, cluster_name)),
        permissions_boundary=placement.permissions_boundary_arn,
        max_session_duration=MAX_SESSION_SECONDS,
        opts=child,
    )
    association = aws.eks.PodIdentityAssociation(
        f"{name}-pod-identity",
        cluster_name=cluster_name,
        namespace=placement.namespace,
        service_account=placement.service_account,
        role_arn=role.arn,
        opts=child,
    )
    return PodIdentityRole(role, association)
