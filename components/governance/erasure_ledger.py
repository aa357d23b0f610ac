"""Erasure ledger: the DynamoDB table recording every right-to-be-forgotten request of a cell and its certificate.

Declared like the ledger events table (`components/resilience/dynamodb.py`): the prod stack declares a global
table with a replica in the paired region (encrypted there with the replica of the cell's data key); dr declares
nothing (the replica is DynamoDB's) and backs the replica up by its deterministic ARN; dev declares a
single-region table. Every table: the cell's customer-managed data key, point-in-time recovery, deletion
protection, on-demand capacity, keyed by `request_id`. `trustfabric privacy erase` writes it, `status` reads it
(`trustfabric/privacy/ledger.py`); an item holds a digest of the subject's id, never the id itself.

Usage::

    ledger = ErasureLedger(
        "uk-erasure-ledger",
        ErasureLedgerArgs(deployment="prod", cell="uk", jurisdiction="UK", region="eu-west-2",
                          kms_key_arn=data_key, replica_region="eu-west-1", replica_kms_key_arn=replica_key),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.resilience.dynamodb import hardened_table
from components.validation import require_jurisdiction, require_region_in_jurisdiction
from domain.naming import erasure_ledger_table_name
from domain.retention import DATA_CLASS_TAG

DATA_CLASS = "operational-log"
"""The ledger holds request metadata and digests, no personal data in the clear."""


@dataclass(frozen=True)
class ErasureLedgerArgs:
    """Arguments of a cell's erasure ledger."""

    deployment: str
    """Name shared by the stacks of a pair (`prod` for prod and dr); part of the table name."""
    cell: str
    jurisdiction: str
    region: str
    """Region of the table (the provider's region)."""
    kms_key_arn: pulumi.Input[str]
    """The cell's data key in `region`."""
    replica_region: str | None = None
    """Region of the global table's replica (the paired region); None: a single-region table."""
    replica_kms_key_arn: pulumi.Input[str] | None = None
    """The data key's replica in `replica_region`; required with it."""


def validate_args(args: ErasureLedgerArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("ErasureLedger", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("ErasureLedger", "region", args.region, args.jurisdiction)
    if args.replica_region is None:
        return
    require_region_in_jurisdiction("ErasureLedger", "replica_region", args.replica_region, args.jurisdiction)
    if args.replica_region == args.region:
        raise ValueError(
            f"ErasureLedger: replica_region: {args.replica_region!r} is the table's own region; "
            "allowed: the jurisdiction's paired region"
        )
    if args.replica_kms_key_arn is None:
        raise ValueError(
            "ErasureLedger: replica_kms_key_arn: required with replica_region; "
            f"allowed: the data key's replica in {args.replica_region}"
        )


class ErasureLedger(pulumi.ComponentResource):
    """A CMK-encrypted DynamoDB table with point-in-time recovery for erasure requests."""

    table_arn: pulumi.Output[str]
    table_name: pulumi.Output[str]

    def __init__(self, name: str, args: ErasureLedgerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:governance:ErasureLedger", name, None, opts)
        table = hardened_table(
            f"{name}-table",
            table_name=erasure_ledger_table_name(args.deployment, args.cell),
            hash_key="request_id",
            kms_key_arn=args.kms_key_arn,
            replica_region=args.replica_region,
            replica_kms_key_arn=args.replica_kms_key_arn,
            tags={DATA_CLASS_TAG: DATA_CLASS},
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.table_arn = table.arn
        self.table_name = table.name
        self.register_outputs({"table_arn": self.table_arn, "table_name": self.table_name})
