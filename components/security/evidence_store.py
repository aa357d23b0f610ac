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
- the audit account's deploy role administers the key without using it (`key_admin_statements`).

Usage::

    store = EvidenceStore(
        "uk-evidence",
        EvidenceStoreArgs(stack="prod", cell="uk", jurisdiction="UK", region="eu-west-2",
                          audit_role_arn=settings.audit.role_arn,
                          writer_role_arns=(iam.role_arns["deploy"],),
                          reader_role_arns=(iam.role_arns["auditor"],)),
        opts=pulumi.ResourceOptions(parent=cell, provider=audit_account_provider),
    )
    store.bucket_arns     # the store and its access-log bucket
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.documents import policy_document
from components.security.kms_policy import key_admin_statements
from components.storage.bucket_policies import tls_only_statement
from components.storage.secure_bucket import AccessLogs, lifecycle_rule, locked_bucket
from components.validation import require_jurisdiction, require_non_empty, require_range, require_region_in_jurisdiction
from domain.naming import audit_bucket_name, bucket_arn
from domain.residency import JURISDICTIONS

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
    retention_days: int = LONGEST_STATUTORY_RETENTION_DAYS
    """COMPLIANCE-mode retention of every object: at least the longest statutory retention, at most 36500."""
    access_log_retention_days: int = 400
    """How long the store's server access logs are kept, 365..3653 days."""
    deletion_window_in_days: int = 30
    """Waiting period before a scheduled deletion of the store's key takes effect: 7..30 days."""


def validate_args(args: EvidenceStoreArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_non_empty("EvidenceStore", "stack", args.stack)
    require_non_empty("EvidenceStore", "cell", args.cell)
    require_jurisdiction("EvidenceStore", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("EvidenceStore", "region", args.region, args.jurisdiction)
    require_non_empty("EvidenceStore", "writer_role_arns", args.writer_role_arns)
    require_non_empty("EvidenceStore", "reader_role_arns", args.reader_role_arns)
    require_range("EvidenceStore", "retention_days", args.retention_days, LONGEST_STATUTORY_RETENTION_DAYS, 36500)
    require_range("EvidenceStore", "access_log_retention_days", args.access_log_retention_days, 365, 3653)
    require_range("EvidenceStore", "deletion_window_in_days", args.deletion_window_in_days, 7, 30)


def store_key_policy(
    region: str, admin_role_arn: str, writer_role_arns: Sequence[str], reader_role_arns: Sequence[str]
) -> str:
    """The store key's policy: the audit deploy role administers; writers and readers use it through S3 only."""
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
    """A locked, encrypted, access-logged bucket in the audit account for evidence packages and the ledger."""

    bucket_name: pulumi.Output[str]
    key_arn: pulumi.Output[str]

    def __init__(self, name: str, args: EvidenceStoreArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:security:EvidenceStore", name, None, opts)
        # The provider the stack passed (the audit account's): the account every name and policy here is in.
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        writer_count = len(args.writer_role_arns)

        def render_key_policy(values: list[str]) -> str:
            admin, roles = values[0], values[1:]
            return store_key_policy(args.region, admin, roles[:writer_count], roles[writer_count:])

        key = aws.kms.Key(
            f"{name}-store-key",
            description=f"Encrypts the evidence packages and ledger ({args.stack}, audit account)",
            enable_key_rotation=True,
            deletion_window_in_days=args.deletion_window_in_days,
            policy=pulumi.Output.all(args.audit_role_arn, *args.writer_role_arns, *args.reader_role_arns).apply(
                render_key_policy
            ),
            tags={"purpose": "evidence-store"},
            opts=pulumi.ResourceOptions(parent=self, protect=True),
        )

        def render_bucket_policy(values: list[str]) -> str:
            bucket_name, roles = values[0], values[1:]
            return store_bucket_policy(bucket_name, args.retention_days, roles[:writer_count], roles[writer_count:])

        store = locked_bucket(
            f"{name}-bucket",
            bucket_name=account_id.apply(
                lambda account: audit_bucket_name(args.stack, args.cell, "evidence", account, args.region)
            ),
            kms_key_arn=key.arn,
            policy=lambda bucket: pulumi.Output.all(
                bucket.bucket, *args.writer_role_arns, *args.reader_role_arns
            ).apply(render_bucket_policy),
            lifecycle=lifecycle_rule(
                "evidence-retention", expiration_days=args.retention_days, noncurrent_days=NONCURRENT_VERSION_DAYS
            ),
            logs=AccessLogs(
                f"{name}-access-logs",
                bucket_name=account_id.apply(
                    lambda account: audit_bucket_name(args.stack, args.cell, "evidence-access", account, args.region)
                ),
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
        self.bucket_arns = [store.bucket.arn, store.log_bucket.arn]
        """The store and its access-log bucket."""
        self.register_outputs(
            {"bucket_name": self.bucket_name, "key_arn": self.key_arn, "retention_days": args.retention_days}
        )


__all__ = [
    "LONGEST_STATUTORY_RETENTION_DAYS",
    "EvidenceStore",
    "EvidenceStoreArgs",
    "store_bucket_policy",
    "store_key_policy",
    "validate_args",
]
