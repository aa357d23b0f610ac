"""The identity layer: IAM Identity Center permission sets and group assignments, and just-in-time access.

On when the stack file has `trust-fabric:identity` (prod and dr; `stacks/settings_identity.py`). Identity Center
lives in one home region (`identity.region`), so its resources are declared once per stack, by the first cell
whose jurisdiction allows that region, with one permission set per (cell, job function) under each cell's
boundary (`components/identity/identity_center.py`).

Just-in-time access (`components/identity/jit_access.py`) is one workflow for the prod/dr pair, declared by the
primary stack in the cell whose region is the home region: its requests table is a global table with a replica
in the paired region, which dr's cell there backs up by its deterministic ARN (as it does the ledger's replica).
dr declares the same state machine on that replica (its own role, log group and dr's just-in-time permission
sets; the replica key admits the role, `stacks/key_users.py`), so after failover grants need no new resource.

Every cell's cluster gets the job functions' Kubernetes roles bound to their groups
(`components/identity/kubernetes_rbac.py`); in prod and dr also a private CA per cell and the service mesh with
strict mTLS whose workload certificates it issues (`components/identity/service_mesh.py`, docs/mesh.md).

Returns `IdentityOutputs`: the tier0 stores the backup layer must cover.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.identity.identity_center import CellAccess, IdentityCenter, IdentityCenterArgs
from components.identity.jit_access import JitAccess, JitAccessArgs, requests_table_arn
from components.identity.job_functions import JIT_FUNCTIONS
from components.identity.kubernetes_rbac import KubernetesAccess, KubernetesAccessArgs
from components.identity.private_ca import CellPrivateCa, CellPrivateCaArgs
from components.identity.service_mesh import MeshWorkload, ServiceMesh, ServiceMeshArgs
from components.resilience.records_bucket import paired_key_arn
from stacks.context import CellContext
from stacks.security import SecurityOutputs
from stacks.settings import PRIMARY_STACK, deployment
from stacks.settings_identity import identity_cell, replica_region

INGRESS = "istio-ingress/istio-ingressgateway"
MESH_WORKLOADS = (
    MeshWorkload("ledger", "ledger-api", callers=("ingest/ingest-worker", "assistant/assistant-api", INGRESS)),
    MeshWorkload("ingest", "ingest-worker", callers=(INGRESS,)),
    MeshWorkload("assistant", "assistant-api", callers=(INGRESS,)),
)
"""The cells' workload namespaces (those of `stacks.security.WORKLOADS`) and who may call each."""


@dataclass(frozen=True)
class IdentityOutputs:
    """What the identity layer of a cell gives the layers declared after it."""

    tier0_store_arns: Sequence[pulumi.Input[str]] = field(default_factory=tuple)
    """Data stores of this cell the backup layer covers with the tier0 plan (the requests table or its replica)."""


def declare(ctx: CellContext, security: SecurityOutputs) -> IdentityOutputs:
    settings, cell, identity = ctx.settings, ctx.cell, ctx.settings.identity
    if identity is None:
        return IdentityOutputs()
    name = deployment(settings)
    stores: list[pulumi.Input[str]] = []
    declare_cluster_access(ctx)
    center: IdentityCenter | None = None
    if cell == identity_cell(settings):
        center = IdentityCenter(
            f"{ctx.name}-identity",
            IdentityCenterArgs(
                stack=settings.stack,
                jurisdiction=cell.code,
                region=identity.region,
                instance_arn=identity.instance_arn,
                cells=tuple(CellAccess(c.name, c.code) for c in settings.cells),
                group_ids=identity.group_ids,
            ),
            opts=ctx.opts,
        )
        if settings.role == "primary" and identity.region == cell.region:
            paired = settings.stack == "prod"
            data_key = security.key_arns["data-confidential"]
            jit = JitAccess(
                f"{ctx.name}-access",
                _jit_args(
                    ctx,
                    security,
                    center,
                    replica_region=cell.paired_region if paired else None,
                    replica_kms_key_arn=pulumi.Output.from_input(data_key).apply(
                        lambda arn: paired_key_arn(arn, cell.paired_region)
                    )
                    if paired
                    else None,
                ),
                opts=ctx.opts,
            )
            pulumi.export("access_requests_table", jit.table_arn)
            pulumi.export("access_grants_state_machine", jit.state_machine_arn)
            stores.append(jit.table_arn)
    if settings.is_standby_footprint and cell.region == replica_region(settings):
        # dr declares no table: DynamoDB owns the replica of prod's requests table. Back it up by its ARN, and
        # declare the grant workflow on it, so that after failover access is granted from here.
        account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=ctx.parent)).account_id
        stores.append(account.apply(lambda a: requests_table_arn(a, cell.region, name)))
        if center is not None:
            # Its data key is the replica of prod's key, here; the table is the replica DynamoDB owns.
            standby = JitAccess(
                f"{ctx.name}-access", _jit_args(ctx, security, center, declare_table=False), opts=ctx.opts
            )
            pulumi.export("access_grants_state_machine", standby.state_machine_arn)
    return IdentityOutputs(tier0_store_arns=tuple(stores))


def _jit_args(ctx: CellContext, security: SecurityOutputs, center: IdentityCenter, **differs: Any) -> JitAccessArgs:
    """The grant workflow of the prod/dr pair in this cell: every cell's support and break-glass sets, the cell's
    data and logs keys, its boundary; `differs`: the primary's replica, or the standby's `declare_table=False`."""
    settings, cell, identity = ctx.settings, ctx.cell, ctx.settings.identity
    assert identity is not None
    return JitAccessArgs(
        deployment=deployment(settings),
        jurisdiction=cell.code,
        region=cell.region,
        instance_arn=identity.instance_arn,
        permission_set_arns=[
            center.permission_set_arns[(c.name, function)] for c in settings.cells for function in JIT_FUNCTIONS
        ],
        kms_key_arn=security.key_arns["data-confidential"],
        logs_kms_key_arn=security.key_arns["logs"],
        permissions_boundary_arn=security.permission_boundary_arn,
        log_retention_days=settings.observability.log_retention_days,
        **differs,
    )


def declare_cluster_access(ctx: CellContext) -> None:
    """On the cell's cluster, through a provider of its own for the same kubeconfig context (the observability
    layer keeps its provider to itself): the job functions' ClusterRoles bound to their groups, and (prod and dr)
    the mesh with its private CA."""
    provider = k8s.Provider(
        f"{ctx.name}-kubernetes-access",
        context=ctx.cell.kube_context,
        enable_server_side_apply=True,
        opts=pulumi.ResourceOptions(parent=ctx.parent),
    )
    on_cluster = pulumi.ResourceOptions(parent=ctx.parent, provider=provider)
    cell, settings = ctx.cell, ctx.settings
    KubernetesAccess(
        f"{ctx.name}-rbac",
        KubernetesAccessArgs(
            jurisdiction=cell.code, data_classification=cell.data_classification, owner=settings.owner
        ),
        opts=on_cluster,
    )
    if settings.stack == PRIMARY_STACK or settings.is_standby_footprint:
        ca = CellPrivateCa(
            f"{ctx.name}-mesh-ca",
            CellPrivateCaArgs(cell=ctx.name, jurisdiction=cell.code, region=cell.region),
            opts=ctx.opts,
        )
        ServiceMesh(
            f"{ctx.name}-mesh",
            ServiceMeshArgs(
                jurisdiction=cell.code,
                data_classification=cell.data_classification,
                owner=settings.owner,
                region=cell.region,
                ca_arn=ca.arn,
                workloads=MESH_WORKLOADS,
            ),
            opts=on_cluster,
        )
