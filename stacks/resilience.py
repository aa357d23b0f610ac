"""The resilience layer of a cell: ledger database, ledger table, records bucket, backups, failover routing.

What each stack declares (docs/adr/0005-dr-by-stack-switch.md):

==============  ===========================================  ===========================================
component       prod (role primary)                          dr (role standby / active)
==============  ===========================================  ===========================================
ledger DB       global cluster + primary cluster (writer)    secondary cluster; writer when active
ledger table    global table with a replica in the pair      nothing (the replica is DynamoDB's); backup
                                                             coverage of the replica by its ARN
records bucket  replicates to dr's bucket                    replica target (`replica-of` tag)
backup          vault (locked), plans copying to dr's vault  vault (locked), plans copying to prod's vault
routing         zone, PRIMARY records + health checks        SECONDARY records; PRIMARY when active
==============  ===========================================  ===========================================

Active scales the dr ledger to the primary footprint's size (read from `Pulumi.prod.yaml`, the one place it is
set) and makes it the writer in code. Other primary-role stacks (dev) are single-region: no global database,
no replicas, no copies, no vault lock (compliance mode cannot be undone).

Reads the security layer's keys, boundary and audit buckets (`SecurityOutputs`), and the cell's network
(`NetworkOutputs`), where the ledger database lives. Exports `<cell>_zone_id` from the stack that owns the zone;
later layers get `ResilienceOutputs` (the records bucket, its replication metrics, the health checks and the
signed zone the on-call layer alarms on).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import yaml

from components.resilience.aurora import LedgerDatabase, LedgerDatabaseArgs
from components.resilience.backup import CellBackup, CellBackupArgs
from components.resilience.dynamodb import LedgerTable, LedgerTableArgs, table_arn
from components.resilience.failover_routing import FailoverRouting, FailoverRoutingArgs, signs_and_logs_zone
from components.resilience.records_bucket import RecordsBucket, RecordsBucketArgs, paired_key_arn
from domain.strict_yaml import load_yaml
from stacks.context import CellContext
from stacks.key_users import data_key_purpose, is_paired
from stacks.network import NetworkOutputs
from stacks.security import SecurityOutputs
from stacks.settings import PRIMARY_STACK, SIZE_PROFILES, StackSettings, deployment

PRODUCTION_STACKS = (PRIMARY_STACK, "dr")
"""Stacks whose vaults are locked in compliance mode (irreversible once the grace period ends)."""
DOMAIN = "trustfabric.example.com"
"""Parent domain of the cells' public zones: `<cell>.trustfabric.example.com` (prod and dr share it)."""


@dataclass(frozen=True)
class ResilienceOutputs:
    """What the resilience layer of a cell gives the layers declared after it (Macie, the on-call alarms)."""

    records_bucket_name: pulumi.Output[str]
    """The records bucket: Macie scans it."""
    records_replication: Mapping[str, pulumi.Output[str]] | None
    """Dimensions of the records bucket's S3 replication metrics, when it replicates to the paired region."""
    health_check_ids: Mapping[str, pulumi.Output[str]]
    """Service -> the Route53 health check of its failover record in this stack's region."""
    signed_zone_id: pulumi.Output[str] | None
    """The cell's zone when this cell signs it with DNSSEC (`FailoverRouting`), else None."""


def zone_name(settings: StackSettings, cell: str) -> str:
    name = deployment(settings)
    return f"{cell}.{DOMAIN}" if name == PRIMARY_STACK else f"{cell}.{name}.{DOMAIN}"


def primary_profile(settings: StackSettings, code: str) -> dict[str, Any]:
    """The size profile the primary footprint (`Pulumi.prod.yaml`) gives a cell: what an active dr scales to."""
    path = Path(pulumi.get_root_directory()) / f"Pulumi.{PRIMARY_STACK}.yaml"
    try:
        config = (load_yaml(path.read_text(encoding="utf-8"), timestamps=False) or {}).get("config") or {}
    except OSError as error:
        raise pulumi.RunError(
            f"{settings.source}: role active needs {path.name} to size the dr footprint: {error.strerror}"
        ) from None
    except (ValueError, yaml.YAMLError) as error:  # not UTF-8, a key twice, malformed: the strict reader's words
        raise pulumi.RunError(
            f"{settings.source}: role active reads {path.name}: {' '.join(str(error).split())}"
        ) from None
    prefix = f"{settings.project}:"
    size = config.get(f"{prefix}size", "medium")
    for cell in config.get(f"{prefix}cells") or []:
        if isinstance(cell, dict) and cell.get("jurisdiction") == code:
            size = cell.get("size", size)
    if size not in SIZE_PROFILES:
        raise pulumi.RunError(
            f"{path.name}: {prefix}size: {size!r} is not allowed; allowed: {', '.join(SIZE_PROFILES)}"
        )
    return SIZE_PROFILES[size]


def declare(
    ctx: CellContext,
    security: SecurityOutputs,
    network: NetworkOutputs,
    records_stores: Sequence[pulumi.Input[str]] = (),
    records_logs: Sequence[pulumi.Input[str]] = (),
    tier0_stores: Sequence[pulumi.Input[str]] = (),
) -> ResilienceOutputs:
    """`records_stores` (tagged with the records tier) and `records_logs` (untagged: access-log buckets, the erasure
    ledger, tenant buckets): stores other layers declared (the ModelOps stores, the golden dataset store, data
    governance) that the records tier backs up too; `tier0_stores`: those the tier0 plan covers by ARN (the access
    requests table or its replica, `stacks/identity.py`)."""
    settings, cell = ctx.settings, ctx.cell
    key_arns = security.key_arns
    data_key = key_arns[data_key_purpose(cell.data_classification)]
    paired = is_paired(settings)
    standby = settings.is_standby_footprint
    name = deployment(settings)
    boundary = security.permission_boundary_arn
    paired_data_key = pulumi.Output.from_input(data_key).apply(lambda arn: paired_key_arn(arn, cell.paired_region))

    profile = cell.profile
    if settings.role == "active":
        profile = primary_profile(settings, cell.code)
    ledger = LedgerDatabase(
        f"{ctx.name}-ledger",
        LedgerDatabaseArgs(
            deployment=name,
            **ctx.placement,
            kms_key_arn=data_key,
            logs_kms_key_arn=key_arns["logs"],
            secrets_kms_key_arn=None if standby else key_arns["secrets"],
            global_role=("secondary" if standby else "primary") if paired else "standalone",
            writer=settings.is_active,
            instance_count=profile["replicas"],
            instance_class=profile["db_instance_class"],
            backup_retention_days=35 if settings.is_active and paired else 7,
            log_retention_days=settings.observability.log_retention_days,
            vpc_id=network.vpc_id,
            subnet_ids=network.subnet_ids,
            vpc_cidr=network.vpc_cidr,
            permissions_boundary_arn=boundary,
        ),
        opts=ctx.opts,
    )

    records = RecordsBucket(
        f"{ctx.name}-records",
        RecordsBucketArgs(
            deployment=name,
            **ctx.placement,
            kms_key_arn=data_key,
            replicate_to_region=cell.paired_region if paired and not standby else None,
            replica_kms_key_arn=paired_data_key if paired and not standby else None,
            replica_source_region=cell.paired_region if standby else None,
            permissions_boundary_arn=boundary,
        ),
        opts=ctx.opts,
    )

    tier0: list[pulumi.Input[str]] = [ledger.cluster_arn, *tier0_stores]
    if standby:
        # dr declares no table: DynamoDB owns the replica. Back it up by its deterministic ARN.
        account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=ctx.parent)).account_id
        tier0.append(account.apply(lambda a: table_arn(a, name, ctx.name, cell.region)))
    else:
        table = LedgerTable(
            f"{ctx.name}-ledger-events",
            LedgerTableArgs(
                deployment=name,
                **ctx.placement,
                kms_key_arn=data_key,
                replica_region=cell.paired_region if paired else None,
                replica_kms_key_arn=paired_data_key if paired else None,
            ),
            opts=ctx.opts,
        )
        tier0.append(table.table_arn)

    protected: dict[str, list[pulumi.Input[str]]] = {"tier0": tier0, "records": [records.bucket_arn, *records_stores]}
    CellBackup(
        f"{ctx.name}-backup",
        CellBackupArgs(
            deployment=name,
            **ctx.placement,
            kms_key_arn=key_arns["backups"],
            copy_to_region=cell.paired_region if paired else None,
            protected=protected,
            # Stores the security layer declared in this account, selected by ARN (and jurisdiction) with the records
            # tier; the evidence store lives in the audit account and backs itself up there (AWS Backup selects
            # only resources of the plan's own account).
            untagged={"records": [records.log_bucket_arn, *security.audit_bucket_arns, *records_logs]},
            enable_vault_lock=settings.stack in PRODUCTION_STACKS,
            permissions_boundary_arn=boundary,
        ),
        opts=ctx.opts,
    )

    zone = zone_name(settings, ctx.name)
    if standby:
        reference = pulumi.StackReference(
            f"{ctx.name}-primary-dns",
            stack_name=f"{pulumi.get_organization()}/{pulumi.get_project()}/{PRIMARY_STACK}",
            opts=pulumi.ResourceOptions(parent=ctx.parent),
        )
        routing_args = FailoverRoutingArgs(
            **ctx.placement,
            zone_name=zone,
            zone_id=reference.get_output(f"{ctx.name}_zone_id"),
            failover_type="PRIMARY" if settings.is_active else "SECONDARY",
        )
    else:
        routing_args = FailoverRoutingArgs(
            **ctx.placement,
            zone_name=zone,
            create_zone=True,
            failover_type="PRIMARY",
            query_log_kms_key_arn=key_arns["logs"],
            key_admin_role_arn=security.key_admin_role_arn,
        )
    routing = FailoverRouting(f"{ctx.name}-routing", routing_args, opts=ctx.opts)
    if not standby:
        pulumi.export(f"{ctx.name}_zone_id", routing.zone_id)
    return ResilienceOutputs(
        records_bucket_name=records.bucket_name,
        records_replication=records.replication_dimensions,
        health_check_ids=routing.health_check_ids,
        signed_zone_id=routing.zone_id if signs_and_logs_zone(routing_args) else None,
    )
