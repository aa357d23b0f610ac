"""The secrets layer of a cell: its Secrets Manager secrets and the functions that rotate them.

Declared after the network (the rotation functions run in the cell's private subnets and reach Secrets Manager
through an interface endpoint there) and before resilience. Every stack declares them per cell; the primary
footprint (prod) replicates its secrets into the paired region, where dr's own secrets are those replicas'
neighbours (docs/adr/0014-secret-rotation-functions.md).

The secrets keep the URNs they had when the security layer declared them (same component, same parent).
"""

from __future__ import annotations

from components.security.rotation import SecretRotation, SecretRotationArgs
from components.security.secrets import CellSecrets, CellSecretsArgs, SecretSpec
from stacks.context import CellContext
from stacks.network import NetworkOutputs
from stacks.security import SecurityOutputs
from stacks.settings import PRIMARY_STACK

CELL_SECRETS = (
    SecretSpec("ledger-db", "Ledger database credentials", rotation="database"),
    SecretSpec("bank-feeds", "Open-banking feed client credentials"),
    SecretSpec("model-gateway", "Model gateway API credentials", rotation_days=30),
)
"""Secrets every cell holds; values are written only by their rotation function (credentials: seeded once by
the database bootstrap)."""


def name_prefix(stack: str, cell: str) -> str:
    """Path prefix of a cell's secret names: `trustfabric/<stack>/<cell>`."""
    return f"trustfabric/{stack}/{cell}"


def declare(ctx: CellContext, security: SecurityOutputs, network: NetworkOutputs) -> None:
    settings, cell = ctx.settings, ctx.cell
    stack = settings.stack
    prefix = name_prefix(stack, ctx.name)
    by_kind: dict[str, list[str]] = {}
    for spec in CELL_SECRETS:
        by_kind.setdefault(spec.rotation, []).append(f"{prefix}/{spec.name}")
    rotation = SecretRotation(
        f"{ctx.name}-rotation",
        SecretRotationArgs(
            stack=stack,
            cell=ctx.name,
            jurisdiction=cell.code,
            region=cell.region,
            secrets_kms_key_arn=security.key_arns["secrets"],
            logs_kms_key_arn=security.key_arns["logs"],
            permissions_boundary_arn=security.permission_boundary_arn,
            vpc_id=network.vpc_id,
            subnet_ids=network.subnet_ids,
            vpc_cidr=network.vpc_cidr,
            secret_names={kind: tuple(names) for kind, names in by_kind.items()},
            log_retention_days=settings.observability.log_retention_days,
        ),
        opts=ctx.opts,
    )
    CellSecrets(
        f"{ctx.name}-secrets",
        CellSecretsArgs(
            jurisdiction=cell.code,
            region=cell.region,
            paired_region=cell.paired_region,
            kms_key_arn=security.key_arns["secrets"],
            rotation_lambda_arns=rotation.function_arns,
            secrets=CELL_SECRETS,
            name_prefix=prefix,
            # The primary footprint replicates into its pair; dr's own copies are those replicas.
            replica_regions=(cell.paired_region,) if settings.role == "primary" and stack == PRIMARY_STACK else (),
        ),
        opts=ctx.opts,
    )
