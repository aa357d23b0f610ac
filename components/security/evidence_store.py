"""The evidence store: where evidence packages and the evidence ledger are kept, beyond anyone's reach to alter.

One locked bucket (`components/storage/secure_bucket.py`'s `locked_bucket`): versioned, SSE-KMS with the cell's
`logs` key, all four public access blocks, owner-enforced objects, a TLS-only policy, server access logging into
its own access-log bucket, and S3 Object Lock in COMPLIANCE mode for the longest statutory record retention of
any jurisdiction we serve (`domain.residency`: the EU's 10 years, 3653 days), so no principal, the root user
included, can delete or overwrite a package or a ledger entry while an audit may still ask for it. A lifecycle
rule expires objects once their lock has passed. Locally and in tests the same layout is a directory
(`evidence/<stack>/`, `evidence/ledger/`; `trustfabric.evidence.ledger`).

The stack declares one store, for prod, in the first cell's account and region; the auditor reads it, the
evidence job writes it, and the backup layer selects it with the records tier.

Usage::

    store = EvidenceStore(
        "uk-evidence",
        EvidenceStoreArgs(stack="prod", cell="uk", jurisdiction="UK", region="eu-west-2",
                          kms_key_arn=keyring.key_arns["logs"]),
        opts=ctx.opts,
    )
    store.bucket_arns     # the store and its access-log bucket
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.documents import policy_document
from components.storage.bucket_policies import tls_only_statement
from components.storage.secure_bucket import AccessLogs, lifecycle_rule, locked_bucket
from components.validation import require_jurisdiction, require_non_empty, require_range, require_region_in_jurisdiction
from domain.naming import audit_bucket_name, bucket_arn
from domain.residency import JURISDICTIONS

LONGEST_STATUTORY_RETENTION_DAYS = max(jurisdiction.retention_days for jurisdiction in JURISDICTIONS.values())
"""The longest statutory record retention of any jurisdiction (domain.residency), in days."""
NONCURRENT_VERSION_DAYS = 30
"""Days a noncurrent version is kept after its lock has passed (lifecycle never deletes a locked version)."""


@dataclass(frozen=True)
class EvidenceStoreArgs:
    """Arguments of the evidence store."""

    stack: str
    """Stack name, part of the bucket names."""
    cell: str
    """The cell whose account and region hold the store (e.g. `uk`)."""
    jurisdiction: str
    """Jurisdiction code of that cell; the store must live in one of its allowed regions."""
    region: str
    """The cell's region (the provider's); validated against the jurisdiction."""
    kms_key_arn: pulumi.Input[str]
    """Customer-managed KMS key that encrypts every package and ledger entry (the cell's `logs` key)."""
    retention_days: int = LONGEST_STATUTORY_RETENTION_DAYS
    """COMPLIANCE-mode retention of every object: at least the longest statutory retention, at most 36500."""
    access_log_retention_days: int = 400
    """How long the store's server access logs are kept, 365..3653 days."""


def validate_args(args: EvidenceStoreArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_non_empty("EvidenceStore", "stack", args.stack)
    require_non_empty("EvidenceStore", "cell", args.cell)
    require_jurisdiction("EvidenceStore", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("EvidenceStore", "region", args.region, args.jurisdiction)
    require_range("EvidenceStore", "retention_days", args.retention_days, LONGEST_STATUTORY_RETENTION_DAYS, 36500)
    require_range("EvidenceStore", "access_log_retention_days", args.access_log_retention_days, 365, 3653)


class EvidenceStore(pulumi.ComponentResource):
    """A locked, encrypted, access-logged bucket for evidence packages and the evidence ledger."""

    bucket_name: pulumi.Output[str]

    def __init__(self, name: str, args: EvidenceStoreArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:security:EvidenceStore", name, None, opts)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        store = locked_bucket(
            f"{name}-bucket",
            bucket_name=account_id.apply(
                lambda account: audit_bucket_name(args.stack, args.cell, "evidence", account, args.region)
            ),
            kms_key_arn=args.kms_key_arn,
            policy=lambda bucket: bucket.bucket.apply(
                lambda bucket_name: policy_document([tls_only_statement(bucket_arn(bucket_name))])
            ),
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
        self.bucket_arns = [store.bucket.arn, store.log_bucket.arn]
        """The store and its access-log bucket: the backup layer selects them with the records tier."""
        self.register_outputs({"bucket_name": self.bucket_name, "retention_days": args.retention_days})


__all__ = ["LONGEST_STATUTORY_RETENTION_DAYS", "EvidenceStore", "EvidenceStoreArgs", "validate_args"]
