"""The data-governance layer of a cell: the erasure ledger, enterprise tenants' own keys and data, Macie discovery.

Declared in two steps around the resilience layer (`stacks.program.declare_cell`):

1. `declare_data` (before resilience, whose backup selects what it returns by ARN with the records tier):
   - the erasure ledger (`ErasureLedger`): prod a global table replicated to the paired region, dr nothing but
     backup coverage of that replica by its ARN, dev a single-region table;
   - the erasure workflow (`ErasureWorkflow`, every stack, dr too: after a failover erasures run there), the
     state machine `trustfabric privacy erase` starts;
   - for each enterprise tenant of the cell's jurisdiction (`trust-fabric:tenants`, `stacks/settings_tenants.py`)
     a `TenantData`: the tenant's revocable key (AWS-generated, imported or in the tenant's external key store)
     and the tenant's locked bucket encrypted with it.
2. `declare_discovery` (after resilience): Amazon Macie in the cell's region (the account once per region: the
   first cell there), one scheduled job over the records bucket and the tenant buckets, findings to on-call.

prod and dr both declare the tenants of their cells, each in its own region (dr's key is a separate key the
tenant controls too: a revocation covers both; docs/adr/0013-client-controlled-keys.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.governance.erasure_ledger import ErasureLedger, ErasureLedgerArgs
from components.governance.erasure_workflow import ErasureWorkflow, ErasureWorkflowArgs
from components.governance.macie import CellMacie, CellMacieArgs
from components.governance.tenant_data import TenantData, TenantDataArgs
from components.resilience.records_bucket import paired_key_arn
from domain.naming import erasure_ledger_table_arn
from stacks.context import CellContext
from stacks.security import SecurityOutputs
from stacks.settings import PRIMARY_STACK, deployment


@dataclass(frozen=True)
class GovernanceOutputs:
    """What the data-governance layer of a cell gives the layers declared after it."""

    tenant_bucket_names: Sequence[pulumi.Output[str]]
    """The tenants' data buckets: Macie scans them."""
    backup_arns: Sequence[pulumi.Output[str]]
    """The erasure ledger (or its replica) and the tenants' access-log buckets: backed up with the records tier,
    selected by ARN (the tenants' data buckets have their own backup under the tenant's key)."""


def _data_key(ctx: CellContext, security: SecurityOutputs) -> pulumi.Output[str]:
    purpose = "data-restricted" if ctx.cell.data_classification == "restricted" else "data-confidential"
    return pulumi.Output.from_input(security.key_arns[purpose])


def declare_data(ctx: CellContext, security: SecurityOutputs) -> GovernanceOutputs:
    settings, cell = ctx.settings, ctx.cell
    name = deployment(settings)
    backup: list[pulumi.Output[str]] = []
    if settings.is_standby_footprint:
        account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=ctx.parent)).account_id
        backup.append(account.apply(lambda a: erasure_ledger_table_arn(a, name, ctx.name, cell.region)))
    else:
        paired = settings.stack == PRIMARY_STACK
        data_key = _data_key(ctx, security)
        ledger = ErasureLedger(
            f"{ctx.name}-erasure-ledger",
            ErasureLedgerArgs(
                deployment=name,
                **ctx.placement,
                kms_key_arn=data_key,
                replica_region=cell.paired_region if paired else None,
                replica_kms_key_arn=data_key.apply(lambda arn: paired_key_arn(arn, cell.paired_region))
                if paired
                else None,
            ),
            opts=ctx.opts,
        )
        backup.append(ledger.table_arn)
    _declare_erasure(ctx, security)

    paired = settings.stack == PRIMARY_STACK or settings.is_standby_footprint
    names: list[pulumi.Output[str]] = []
    for tenant in settings.tenants:
        if tenant.jurisdiction != cell.code:
            continue
        data = TenantData(
            f"{ctx.name}-tenant-{tenant.id}",
            TenantDataArgs(
                deployment=name,
                **ctx.placement,
                tenant_id=tenant.id,
                custodian_arn=tenant.custodian_arn,
                key_origin=tenant.key_origin,
                custom_key_store_id=tenant.custom_key_store_id,
                xks_key_id=tenant.xks_key_id,
                admin_role_arns=(security.key_admin_role_arn,),
                user_role_arns=(security.deploy_role_arn,),
                deletion_window_in_days=settings.kms_deletion_window_days,
                backup_copy_to_region=cell.paired_region if paired else None,
                enable_backup_vault_lock=paired,
                permissions_boundary_arn=security.permission_boundary_arn,
            ),
            opts=ctx.opts,
        )
        names.append(data.bucket_name)
        # The tenant's bucket is backed up by its own plan into a vault under its own key (TenantData); its
        # access logs (SSE-S3, ADR 0006) go with the records tier.
        backup.append(data.log_bucket_arn)
    return GovernanceOutputs(tenant_bucket_names=names, backup_arns=backup)


def _declare_erasure(ctx: CellContext, security: SecurityOutputs) -> ErasureWorkflow:
    """The cell's erasure workflow in its region: every stack, dr too (after a failover the standby region's
    stores, the ledger's replica among them, are where erasures run)."""
    return ErasureWorkflow(
        f"{ctx.name}-erasure",
        ErasureWorkflowArgs(
            deployment=deployment(ctx.settings),
            **ctx.placement,
            kms_key_arn=_data_key(ctx, security),
            logs_kms_key_arn=security.key_arns["logs"],
            permissions_boundary_arn=security.permission_boundary_arn,
        ),
        opts=ctx.opts,
    )


def declare_discovery(
    ctx: CellContext, security: SecurityOutputs, records_bucket_name: pulumi.Input[str], governance: GovernanceOutputs
) -> pulumi.Output[str]:
    """Declares the cell's Macie discovery; returns its findings topic (the on-call layer pages from it)."""
    settings, cell = ctx.settings, ctx.cell
    owns_region = next(c for c in settings.cells if c.region == cell.region) == cell
    macie = CellMacie(
        f"{ctx.name}-macie",
        CellMacieArgs(
            stack=settings.stack,
            **ctx.placement,
            bucket_names=(records_bucket_name, *governance.tenant_bucket_names),
            logs_kms_key_arn=security.key_arns["logs"],
            enable_account=owns_region,
        ),
        opts=ctx.opts,
    )
    return macie.topic_arn
