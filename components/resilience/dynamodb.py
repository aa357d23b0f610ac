"""Ledger events table: a DynamoDB global table owned by the primary footprint, replicated to the pair.

The prod stack declares the table with a replica in the paired region (`replica_region`), encrypted there with
the replica of the cell's data key (`replica_kms_key_arn`), point-in-time recovery on both sides and tags
propagated to the replica. The dr stack declares nothing for the table itself: DynamoDB manages the replica, and
a second declaration would fight the first. What dr does declare is backup coverage of the replica by its
deterministic ARN (`table_arn` with the dr region), so recovery points exist in the dr region before and after a
failover (docs/adr/0005-dr-by-stack-switch.md).

Every table: encrypted with the cell's customer-managed data key, point-in-time recovery, deletion protection,
on-demand capacity, streams (global tables need them), tagged `backup-tier=tier0`.

Usage::

    table = LedgerTable(
        "uk-ledger-events",
        LedgerTableArgs(
            deployment="prod", cell="uk", jurisdiction="UK", region="eu-west-2",
            kms_key_arn=key_arns["data-restricted"],
            replica_region="eu-west-1", replica_kms_key_arn=replica_key_arn,
        ),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.validation import require_jurisdiction, require_region_in_jurisdiction
from domain.naming import ledger_table_arn, ledger_table_name
from domain.residency import JURISDICTIONS
from domain.tags import BACKUP_TIER

TIER = "tier0"

table_arn = ledger_table_arn
"""The ARN of the table (or its replica) in a region: the dr stack backs the replica up by it."""


def hardened_table(
    resource_name: str,
    *,
    table_name: pulumi.Input[str],
    hash_key: str,
    kms_key_arn: pulumi.Input[str],
    tags: dict[str, str],
    opts: pulumi.ResourceOptions,
    range_key: str | None = None,
    replica_region: str | None = None,
    replica_kms_key_arn: pulumi.Input[str] | None = None,
    region: str | None = None,
) -> aws.dynamodb.Table:
    """A table as every table of ours is: string keys, on-demand, encrypted with `kms_key_arn`, point-in-time
    recovery, deletion protection, a stream of both images (global tables need it) and, given `replica_region`, a
    replica there under `replica_kms_key_arn` with the same protections and the tags propagated."""
    replicas = None
    if replica_region is not None:
        replicas = [
            aws.dynamodb.TableReplicaArgs(
                region_name=replica_region,
                kms_key_arn=replica_kms_key_arn,
                point_in_time_recovery=True,
                propagate_tags=True,
                deletion_protection_enabled=True,
            )
        ]
    keys = [hash_key] if range_key is None else [hash_key, range_key]
    return aws.dynamodb.Table(
        resource_name,
        name=table_name,
        billing_mode="PAY_PER_REQUEST",
        hash_key=hash_key,
        range_key=range_key,
        attributes=[aws.dynamodb.TableAttributeArgs(name=key, type="S") for key in keys],
        server_side_encryption=aws.dynamodb.TableServerSideEncryptionArgs(enabled=True, kms_key_arn=kms_key_arn),
        point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(enabled=True),
        deletion_protection_enabled=True,
        stream_enabled=True,
        stream_view_type="NEW_AND_OLD_IMAGES",
        replicas=replicas,
        region=region,
        tags=tags,
        opts=opts,
    )


@dataclass(frozen=True)
class LedgerTableArgs:
    """Arguments of a cell's ledger events table."""

    deployment: str
    """Name shared by the stacks of a pair (`prod` for prod and dr); part of the table name."""
    cell: str
    """The cell's name prefix, e.g. `uk`."""
    jurisdiction: str
    """Jurisdiction code (UK, EU, US, CA)."""
    region: str
    """Region of the table (the provider's region)."""
    kms_key_arn: pulumi.Input[str]
    """The cell's data key in `region`."""
    replica_region: str | None = None
    """Region of the global table's replica (the paired region); None: a single-region table."""
    replica_kms_key_arn: pulumi.Input[str] | None = None
    """The data key's replica in `replica_region`; required with it."""


def validate_args(args: LedgerTableArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("LedgerTable", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("LedgerTable", "region", args.region, args.jurisdiction)
    if args.replica_region is None:
        return
    require_region_in_jurisdiction("LedgerTable", "replica_region", args.replica_region, args.jurisdiction)
    if args.replica_region == args.region:
        others = [r for r in JURISDICTIONS[args.jurisdiction].allowed_regions if r != args.region]
        raise ValueError(
            f"LedgerTable: replica_region: {args.replica_region!r} is the table's own region; "
            f"allowed: {', '.join(others)}"
        )
    if args.replica_kms_key_arn is None:
        raise ValueError(
            "LedgerTable: replica_kms_key_arn: required with replica_region; "
            f"allowed: the data key's replica in {args.replica_region}"
        )


class LedgerTable(pulumi.ComponentResource):
    """A CMK-encrypted DynamoDB table with point-in-time recovery, a global table when given a replica region."""

    table_arn: pulumi.Output[str]
    table_name: pulumi.Output[str]

    def __init__(self, name: str, args: LedgerTableArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:resilience:LedgerTable", name, None, opts)
        table = hardened_table(
            f"{name}-table",
            table_name=ledger_table_name(args.deployment, args.cell),
            hash_key="pk",
            range_key="sk",
            kms_key_arn=args.kms_key_arn,
            replica_region=args.replica_region,
            replica_kms_key_arn=args.replica_kms_key_arn,
            tags={BACKUP_TIER: TIER},
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.table_arn = table.arn
        self.table_name = table.name
        self.register_outputs({"table_arn": self.table_arn, "table_name": self.table_name})
