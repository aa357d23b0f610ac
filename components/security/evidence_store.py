"""The evidence store: where evidence packages and the evidence ledger are kept, beyond anyone's reach to alter.

It lives in the **audit account**, apart from every workload account: the stack passes an `aws.Provider` that
assumes the audit account's deploy role (`stacks/settings_audit.py`), and every child here, the store's own key
included, is declared through it. So no one who runs the workloads, and no credential a workload leaks, can
delete or rewrite the record of how they were run.

One locked bucket (`components/storage/secure_bucket.py`'s `locked_bucket`): versioned, SSE-KMS with the store's
own customer-managed key (in the audit account, rotating), all four public access blocks, owner-enforced objects,
server access logging into its own access-log bucket, and S3 Object Lock in COMPLIANCE mode for the longest
statutory record retention of any jurisdiction we serve (`domain.residency`: the EU's 10 years, 3653 days), so no
principal, the root user included, can delete or overwrite a package or a ledger entry while an audit may still
ask for it. A lifecycle rule expires objects once their lock has passed. Locally and in tests the same layout is a
directory (`evidence/<stack>/`, `evidence/ledger/`; `trustfabric.evidence.ledger`).

Cross-account access is least privilege, in both the bucket policy and the key policy:

- the **writer** roles of the workload account (the deploy role that runs `trustfabric evidence`) may put objects
  only with the Object Lock headers (`x-amz-object-lock-mode: COMPLIANCE` and a retain-until date at least
  `retention_days` away), read the ledger (`ledger/*`, to chain the next entry to its head), and use the key
  through S3 alone; every other principal is denied `s3:PutObject`;
- the **reader** roles (the auditor role) may list and read objects, versions and their retention, and decrypt
  through S3;
- nobody may delete an object or a version (an explicit deny; the lifecycle rule is not subject to it);
- the audit account's deploy role administers the key without using it (`key_admin_statements`);
- the store's backup role (below) decrypts through S3, to read what it backs up.

The store is backed up **in the audit account** too, for AWS Backup selects only resources of the account (and
region) its plan lives in: a workload account's selection naming the store would back nothing up. The backup is
the cells' own component (`components/resilience/backup.py`'s `CellBackup`, cell `<cell>-evidence`) declared as
a child of the store, so through the same provider: a vault under a backup key of its own (the `backups` key
policy: the audit deploy role administers, AWS Backup uses it for this account only), locked in compliance mode
for the store's retention, its access policy denying recovery point deletion; the records tier's daily rule kept
`retention_days` (the store's own retention, not the cell's statutory one) and copied to a vault of the same
shape in `copy_region` (another region of the jurisdiction, through `copy_provider`, the audit account's provider
there); one selection of the store and its access-log bucket by ARN and the cell's `jurisdiction` tag; and the
backup role (AWS managed backup and restore policies, S3 included). The audit account has no IAM baseline, so the
store declares the boundary that role carries: the cells' boundary document (`components.security.iam_boundary`),
scoped to the audit account and the cell name `<cell>-evidence` (docs/adr/0016).

A failed, expired or aborted backup or copy job pages a person: AWS Backup announces it only on the default event
bus of the audit account in the job's region, where no workload rule looks, so the store declares the cells' own
paging there (`components/oncall/cell_paging.py`'s `CellPaging` with its `BACKUP_FAILED` rule), in the store's
region and in `copy_region`: an SNS topic under an alerts key of the audit account, subscribed to
`alert_endpoint` (the stack's platform service's CloudWatch integration, as every cell's backup failures page).

Usage::

    store = EvidenceStore(
        "uk-evidence",
        EvidenceStoreArgs(stack="prod", cell="uk", jurisdiction="UK", region="eu-west-2",
                          audit_role_arn=settings.audit.role_arn,
                          writer_role_arns=(iam.role_arns["deploy"],),
                          reader_role_arns=(iam.role_arns["auditor"],),
                          alert_endpoint=services.cloudwatch_endpoints["platform"]),
        opts=pulumi.ResourceOptions(parent=cell, provider=audit_account_provider),
    )
    store.bucket_arns     # the store and its access-log bucket (backed up in the audit account, by the store)

With `copy_region="eu-west-1", copy_provider=audit_account_provider_in_eu_west_1`, every recovery point is copied
to the audit account's vault in eu-west-1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.documents import policy_document
from components.oncall.cell_paging import BACKUP_FAILED, CellPaging, CellPagingArgs
from components.resilience.backup import CellBackup, CellBackupArgs, declare_locked_vault
from components.security.iam_boundary import boundary_policy
from components.security.iam_documents import CellScope
from components.security.kms_policy import key_admin_statements, key_policy
from components.storage.bucket_policies import tls_only_statement
from components.storage.secure_bucket import AccessLogs, lifecycle_rule, locked_bucket
from components.validation import require_jurisdiction, require_non_empty, require_range, require_region_in_jurisdiction
from domain.naming import audit_bucket_name, backup_vault_name, boundary_name, bucket_arn
from domain.residency import JURISDICTIONS
from domain.tiers import longest_retention_days

LONGEST_STATUTORY_RETENTION_DAYS = max(jurisdiction.retention_days for jurisdiction in JURISDICTIONS.values())
"""The longest statutory record retention of any jurisdiction (domain.residency), in days."""
NONCURRENT_VERSION_DAYS = 30
"""Days a noncurrent version is kept after its lock has passed (lifecycle never deletes a locked version)."""
LEDGER_PREFIX = "ledger/"
"""Where the ledger's entries are kept in the store (packages under `<stack>/`)."""
READ_ACTIONS = (
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:GetObjectRetention",
    "s3:GetObjectLegalHold",
    "s3:ListBucket",
    "s3:ListBucketVersions",
    "s3:GetBucketObjectLockConfiguration",
)
"""What an auditor's read role may do in the store."""
DELETE_ACTIONS = ("s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention")
"""Denied to every principal: evidence is never deleted by a request, only expired by the lifecycle rule."""
BACKUP_TIER = "records"
"""The tier whose daily rule backs the store up (`domain.tiers`), kept for the store's `retention_days`."""
BACKUP_CELL_SUFFIX = "evidence"
"""The store's backup is `CellBackup` cell `<cell>-evidence`: its vault, plan, selection and role names."""


@dataclass(frozen=True)
class EvidenceStoreArgs:
    """Arguments of the evidence store."""

    stack: str
    """Stack name, part of the bucket names."""
    cell: str
    """The cell whose region holds the store (e.g. `uk`); the account is the audit account (the provider's)."""
    jurisdiction: str
    """Jurisdiction of that cell; the store must live in one of its allowed regions."""
    region: str
    """The cell's region (the provider's); validated against the jurisdiction."""
    audit_role_arn: pulumi.Input[str]
    """The role the provider assumes in the audit account: it administers the store's key (never uses it)."""
    writer_role_arns: Sequence[pulumi.Input[str]]
    """Workload-account roles that write packages and ledger entries (the deploy role); at least one."""
    reader_role_arns: Sequence[pulumi.Input[str]]
    """Roles that read the store (the auditor role); at least one, for an auditor must be able to verify."""
    alert_endpoint: pulumi.Input[str] | None
    """HTTPS endpoint of the PagerDuty service's Amazon CloudWatch integration that a failed, expired or aborted
    backup or copy job of the store pages (the stack's platform service, as for the cells' backups); required: a
    backup failing in the audit account is seen by no workload account's rule."""
    retention_days: int = LONGEST_STATUTORY_RETENTION_DAYS
    """COMPLIANCE-mode retention of every object: at least the longest statutory retention, at most 36500."""
    access_log_retention_days: int = 400
    """How long the store's server access logs are kept, 365..3653 days."""
    deletion_window_in_days: int = 30
    """Waiting period before a scheduled deletion of the store's keys takes effect: 7..30 days."""
    copy_region: str | None = None
    """Another region of the jurisdiction whose audit-account vault receives a copy of every recovery point of the
    store; None: no copies (needs `copy_provider` when set)."""
    copy_provider: pulumi.ProviderResource | None = None
    """The audit account's provider in `copy_region` (the stack builds it): the copy vault and its key."""


def validate_args(args: EvidenceStoreArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_non_empty("EvidenceStore", "stack", args.stack)
    require_non_empty("EvidenceStore", "cell", args.cell)
    require_jurisdiction("EvidenceStore", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("EvidenceStore", "region", args.region, args.jurisdiction)
    require_non_empty("EvidenceStore", "writer_role_arns", args.writer_role_arns)
    require_non_empty("EvidenceStore", "reader_role_arns", args.reader_role_arns)
    if args.alert_endpoint is None or args.alert_endpoint == "":
        raise ValueError(
            "EvidenceStore: alert_endpoint: missing; allowed: the HTTPS endpoint of the platform service's "
            "CloudWatch integration (a backup failure in the audit account must page someone)"
        )
    require_range("EvidenceStore", "retention_days", args.retention_days, LONGEST_STATUTORY_RETENTION_DAYS, 36500)
    require_range("EvidenceStore", "access_log_retention_days", args.access_log_retention_days, 365, 3653)
    require_range("EvidenceStore", "deletion_window_in_days", args.deletion_window_in_days, 7, 30)
    if args.copy_region is not None:
        require_region_in_jurisdiction("EvidenceStore", "copy_region", args.copy_region, args.jurisdiction)
        if args.copy_region == args.region:
            others = [r for r in JURISDICTIONS[args.jurisdiction].allowed_regions if r != args.region]
            raise ValueError(
                f"EvidenceStore: copy_region: {args.copy_region!r} is the store's own region; "
                f"allowed: {', '.join(others)}"
            )
        if args.copy_provider is None:
            raise ValueError(
                f"EvidenceStore: copy_provider: missing for copy_region {args.copy_region!r}; "
                "allowed: the audit account's provider in that region"
            )
    elif args.copy_provider is not None:
        raise ValueError(
            "EvidenceStore: copy_region: missing for copy_provider; allowed: another region of the jurisdiction"
        )


def store_key_policy(
    region: str,
    admin_role_arn: str,
    writer_role_arns: Sequence[str],
    reader_role_arns: Sequence[str],
    backup_role_arns: Sequence[str] = (),
) -> str:
    """The store key's policy: the audit deploy role administers; writers, readers and the store's backup role
    use it through S3 only."""
    via_s3 = {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}}
    statements: list[dict[str, Any]] = key_admin_statements([admin_role_arn])
    statements.append(
        {
            "Sid": "EncryptThroughS3ForEvidenceWriters",
            "Effect": "Allow",
            "Principal": {"AWS": list(writer_role_arns)},
            # Decrypt too: a multipart upload and reading the ledger's head both need it.
            "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
            "Resource": "*",
            "Condition": via_s3,
        }
    )
    statements.append(
        {
            "Sid": "DecryptThroughS3ForEvidenceReaders",
            "Effect": "Allow",
            "Principal": {"AWS": list(reader_role_arns)},
            "Action": ["kms:Decrypt", "kms:DescribeKey"],
            "Resource": "*",
            "Condition": via_s3,
        }
    )
    if backup_role_arns:
        statements.append(
            {
                # AWS Backup reads SSE-KMS objects as the backup role: without this, every backup job fails.
                "Sid": "DecryptThroughS3ForEvidenceBackup",
                "Effect": "Allow",
                "Principal": {"AWS": list(backup_role_arns)},
                "Action": ["kms:Decrypt", "kms:DescribeKey"],
                "Resource": "*",
                "Condition": via_s3,
            }
        )
    return policy_document(statements)


def store_bucket_policy(
    bucket_name: str, retention_days: int, writer_role_arns: Sequence[str], reader_role_arns: Sequence[str]
) -> str:
    """TLS only; writers put locked objects and read the ledger; readers read; nobody deletes."""
    arn = bucket_arn(bucket_name)
    writers = list(writer_role_arns)
    return policy_document(
        [
            tls_only_statement(arn),
            {
                "Sid": "PutLockedEvidenceByWriters",
                "Effect": "Allow",
                "Principal": {"AWS": writers},
                "Action": "s3:PutObject",
                "Resource": f"{arn}/*",
                "Condition": {
                    "StringEquals": {"s3:object-lock-mode": "COMPLIANCE"},
                    "NumericGreaterThanEquals": {"s3:object-lock-remaining-retention-days": str(retention_days)},
                },
            },
            {
                "Sid": "ReadLedgerHeadByWriters",
                "Effect": "Allow",
                "Principal": {"AWS": writers},
                "Action": "s3:GetObject",
                "Resource": f"{arn}/{LEDGER_PREFIX}*",
            },
            {
                "Sid": "ReadEvidenceByReaders",
                "Effect": "Allow",
                "Principal": {"AWS": list(reader_role_arns)},
                "Action": list(READ_ACTIONS),
                "Resource": [arn, f"{arn}/*"],
            },
            {
                "Sid": "DenyPutExceptWriters",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": f"{arn}/*",
                "Condition": {"ArnNotEquals": {"aws:PrincipalArn": writers}},
            },
            {
                "Sid": "DenyEvidenceDeletion",
                "Effect": "Deny",
                "Principal": "*",
                "Action": list(DELETE_ACTIONS),
                "Resource": f"{arn}/*",
            },
        ]
    )


class EvidenceStore(pulumi.ComponentResource):
    """A locked, encrypted, access-logged bucket in the audit account for evidence packages and the ledger, backed
    up in that account."""

    bucket_name: pulumi.Output[str]
    key_arn: pulumi.Output[str]
    backup_vault_arn: pulumi.Output[str]

    def __init__(self, name: str, args: EvidenceStoreArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:security:EvidenceStore", name, None, opts)
        # The provider the stack passed (the audit account's): the account every name and policy here is in.
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        writer_count = len(args.writer_role_arns)
        reader_count = len(args.reader_role_arns)
        store_bucket_name = account_id.apply(
            lambda account: audit_bucket_name(args.stack, args.cell, "evidence", account, args.region)
        )
        log_bucket_name = account_id.apply(
            lambda account: audit_bucket_name(args.stack, args.cell, "evidence-access", account, args.region)
        )

        # The backup first: the store key's policy names its role, and KMS refuses a principal that does not exist.
        # The selection names both buckets by their deterministic ARNs (the gate matches them by bucket name).
        backup = self._declare_backup(
            name, args, account_id, [store_bucket_name.apply(bucket_arn), log_bucket_name.apply(bucket_arn)]
        )

        def render_key_policy(values: list[str]) -> str:
            admin, roles, backup_role = values[0], values[1:-1], values[-1]
            return store_key_policy(
                args.region,
                admin,
                roles[:writer_count],
                roles[writer_count : writer_count + reader_count],
                [backup_role],
            )

        key = aws.kms.Key(
            f"{name}-store-key",
            description=f"Encrypts the evidence packages and ledger ({args.stack}, audit account)",
            enable_key_rotation=True,
            deletion_window_in_days=args.deletion_window_in_days,
            policy=pulumi.Output.all(
                args.audit_role_arn, *args.writer_role_arns, *args.reader_role_arns, backup.role_arn
            ).apply(render_key_policy),
            tags={"purpose": "evidence-store"},
            opts=pulumi.ResourceOptions(parent=self, protect=True),
        )

        def render_bucket_policy(values: list[str]) -> str:
            bucket_name, roles = values[0], values[1:]
            return store_bucket_policy(bucket_name, args.retention_days, roles[:writer_count], roles[writer_count:])

        store = locked_bucket(
            f"{name}-bucket",
            bucket_name=store_bucket_name,
            kms_key_arn=key.arn,
            policy=lambda bucket: pulumi.Output.all(
                bucket.bucket, *args.writer_role_arns, *args.reader_role_arns
            ).apply(render_bucket_policy),
            lifecycle=lifecycle_rule(
                "evidence-retention", expiration_days=args.retention_days, noncurrent_days=NONCURRENT_VERSION_DAYS
            ),
            logs=AccessLogs(
                f"{name}-access-logs",
                bucket_name=log_bucket_name,
                account_id=account_id,
                retention_days=args.access_log_retention_days,
                noncurrent_days=args.access_log_retention_days,
                prefix=f"{args.cell}/evidence/",
            ),
            parent=self,
            days=args.retention_days,
            protect=True,
        )
        self.bucket_name = store.bucket.bucket
        self.key_arn = key.arn
        self.backup_vault_arn = backup.vault_arn
        self.bucket_arns = [store.bucket.arn, store.log_bucket.arn]
        """The store and its access-log bucket (backed up here, in the audit account: no workload selection can)."""
        self.register_outputs(
            {
                "bucket_name": self.bucket_name,
                "key_arn": self.key_arn,
                "backup_vault_arn": self.backup_vault_arn,
                "retention_days": args.retention_days,
            }
        )

    def _declare_backup(
        self,
        name: str,
        args: EvidenceStoreArgs,
        account_id: pulumi.Output[str],
        bucket_arns: Sequence[pulumi.Input[str]],
    ) -> CellBackup:
        """The store's backup in the audit account: vault keys, the copy vault in `copy_region`, the cell backup."""
        backup_cell = f"{args.cell}-{BACKUP_CELL_SUFFIX}"

        def backups_key(key_name: str, region: str, provider: pulumi.ProviderResource | None) -> aws.kms.Key:
            return aws.kms.Key(
                key_name,
                description=f"Encrypts the evidence store's recovery points ({args.stack}, audit account, {region})",
                enable_key_rotation=True,
                deletion_window_in_days=args.deletion_window_in_days,
                policy=pulumi.Output.all(account_id, args.audit_role_arn).apply(
                    lambda values: key_policy(values[0], region, "backups", [values[1]], [])
                ),
                tags={"purpose": "evidence-backup"},
                opts=pulumi.ResourceOptions(parent=self, provider=provider, protect=True),
            )

        def page_backup_failures(paging_name: str, region: str, provider: pulumi.ProviderResource | None) -> None:
            # AWS Backup's job events reach only the default bus of the account and region the job runs in: no
            # workload account's rule sees them, so the audit account pages the on-call itself, by the cells' path.
            alerts_key = aws.kms.Key(
                f"{paging_name}-key",
                description=f"Encrypts the evidence store's backup alert topic ({args.stack}, audit account, {region})",
                enable_key_rotation=True,
                deletion_window_in_days=args.deletion_window_in_days,
                policy=pulumi.Output.all(account_id, args.audit_role_arn).apply(
                    lambda values: key_policy(values[0], region, "logs", [values[1]], [])
                ),
                tags={"purpose": "evidence-backup-alerts"},
                opts=pulumi.ResourceOptions(parent=self, provider=provider),
            )
            CellPaging(
                paging_name,
                CellPagingArgs(
                    stack=args.stack,
                    cell=backup_cell,
                    kms_key_arn=alerts_key.arn,
                    endpoints={BACKUP_FAILED.domain: args.alert_endpoint},  # type: ignore[dict-item]  # validated
                    rules=(BACKUP_FAILED,),
                ),
                opts=pulumi.ResourceOptions(parent=self, provider=provider),
            )

        page_backup_failures(f"{name}-backup-paging", args.region, None)
        if args.copy_region is not None:
            page_backup_failures(f"{name}-backup-copy-paging", args.copy_region, args.copy_provider)
            # The copy target: a vault of the same shape in the other region, which no rule targets.
            declare_locked_vault(
                f"{name}-backup-copy",
                vault_name=backup_vault_name(args.stack, backup_cell, args.copy_region),
                kms_key_arn=backups_key(f"{name}-backup-copy-key", args.copy_region, args.copy_provider).arn,
                lock_retention_days=(7, longest_retention_days((BACKUP_TIER,), args.retention_days)),
                changeable_for_days=3,
                child=pulumi.ResourceOptions(parent=self, provider=args.copy_provider),
            )
        # The audit account has no IAM baseline, so the store declares the boundary its one role carries: the
        # cells' boundary document, scoped to this account and the store's cell name.
        boundary = aws.iam.Policy(
            f"{name}-boundary",
            name=boundary_name(args.stack, backup_cell),
            description=f"Permission boundary of the evidence store's backup role ({args.stack}, audit account)",
            policy=account_id.apply(
                lambda account: boundary_policy(
                    CellScope(
                        account_id=account,
                        stack=args.stack,
                        cell=backup_cell,
                        jurisdiction=args.jurisdiction,
                        region=args.region,
                    )
                )
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        return CellBackup(
            f"{name}-backup",
            CellBackupArgs(
                deployment=args.stack,
                cell=backup_cell,
                permissions_boundary_arn=boundary.arn,
                jurisdiction=args.jurisdiction,
                region=args.region,
                kms_key_arn=backups_key(f"{name}-backup-key", args.region, None).arn,
                copy_to_region=args.copy_region,
                # Untagged: selected by ARN and jurisdiction; a backup-tier tag would ask for S3 replication.
                untagged={BACKUP_TIER: list(bucket_arns)},
                tiers=(BACKUP_TIER,),
                retention_days=args.retention_days,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )


__all__ = [
    "BACKUP_TIER",
    "LONGEST_STATUTORY_RETENTION_DAYS",
    "EvidenceStore",
    "EvidenceStoreArgs",
    "store_bucket_policy",
    "store_key_policy",
    "validate_args",
]
