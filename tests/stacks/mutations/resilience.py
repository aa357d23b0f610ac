"""Mutations for the resilience policies. Backup and recovery: AWS Backup plans, vaults and coverage; the ledger's own
backups, encryption and exposure; DR readiness."""

from __future__ import annotations

from tests.stacks.mutations.edits import DELETE, drop_key, set_at
from tests.stacks.mutations.model import Mutation

CLUSTER = "aws:rds/cluster:Cluster"
TABLE = "aws:dynamodb/table:Table"

MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        policy="aws-backup-plan-statutory-retention",
        stack="dev",
        type="aws:backup/plan:Plan",
        name="uk-backup-records",
        change="keep UK records backups one year instead of six",
        expect="the longest rule keeps 365 days",
        edit=set_at(["rules", 0, "lifecycle", "delete_after"], 365),
    ),
    Mutation(
        policy="aws-backup-vault-encryption-cmk",
        stack="dev",
        type="aws:backup/vault:Vault",
        name="uk-backup-vault",
        change="drop the vault's customer-managed key",
        expect="not encrypted with a customer-managed KMS key",
        edit=set_at(["kms_key_arn"], DELETE),
    ),
    Mutation(
        policy="aws-backup-vault-failures-paged",
        stack="prod",
        type="aws:cloudwatch/eventRule:EventRule",
        name="uk-evidence-backup-copy-paging-backup-job-failed",
        change="drop the audit account's backup failure rule in the evidence store's copy region",
        expect="page nobody",
        edit=None,
        flagged=("aws:backup/vault:Vault", "uk-evidence-backup-copy-vault"),
    ),
    Mutation(
        policy="aws-backup-data-store-covered",
        stack="dev",
        type=TABLE,
        name="uk-ledger-events-table",
        change="remove the table's backup-tier tag, which the tier0 selection's conditions require",
        expect="not covered by AWS Backup",
        edit=drop_key(["tags"], "backup-tier"),
    ),
    Mutation(
        policy="aws-dynamodb-table-encryption-cmk",
        stack="dev",
        type=TABLE,
        name="uk-ledger-events-table",
        change="fall back to the AWS-owned table key",
        expect="encrypted with an AWS-owned key",
        edit=set_at(["server_side_encryption", "enabled"], False),
    ),
    Mutation(
        policy="aws-rds-backup-retention",
        stack="dev",
        type=CLUSTER,
        name="uk-ledger-cluster",
        change="keep automated Aurora backups one day",
        expect="keeps automated backups for 1 day(s)",
        edit=set_at(["backup_retention_period"], 1),
    ),
    Mutation(
        policy="aws-rds-cluster-storage-encrypted",
        stack="dev",
        type=CLUSTER,
        name="uk-ledger-cluster",
        change="turn off Aurora storage encryption",
        expect="is not encrypted at rest",
        edit=set_at(["storage_encrypted"], False),
    ),
    Mutation(
        policy="aws-rds-instance-not-public",
        stack="dev",
        type="aws:rds/clusterInstance:ClusterInstance",
        name="uk-ledger-instance-1",
        change="make the Aurora writer publicly accessible",
        expect="is publicly accessible",
        edit=set_at(["publicly_accessible"], True),
    ),
    Mutation(
        policy="stack-dr-readiness-replica-in-paired-region",
        stack="dr",
        type=CLUSTER,
        name="uk-ledger-cluster",
        change="detach the UK standby Aurora cluster from its global database",
        expect="is not a member of a global database",
        edit=set_at(["global_cluster_identifier"], DELETE),
    ),
)
