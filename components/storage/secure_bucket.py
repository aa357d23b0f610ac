"""The private S3 bucket every component declares the same way, and the server access-log bucket beside it.

Functions, not a component: each declares its resources under the `parent` it is given, named from the
bucket's resource name (`<name>-versioning`, `<name>-policy`, ...), so a component that adopts them keeps
the URNs it had.

- `private_bucket`: the bucket, owner-enforced object ownership (ACLs off), all four public access blocks,
  versioning, and SSE-KMS default encryption with a customer-managed key (bucket key on);
- `attach_policy`, `attach_lifecycle` (every rule also aborts incomplete multipart uploads), `attach_object_lock`
  (COMPLIANCE mode), `attach_access_logging`;
- `access_log_bucket`: the target of S3 server access logs. AWS delivers server access logs only to a bucket
  whose default encryption is SSE-S3 (AES256); SSE-KMS default encryption is not supported for log targets,
  and neither is object lock. So the log bucket declares no encryption configuration (S3 encrypts every new
  object with SSE-S3 by default) and is tagged `data-classification: internal`: it holds request metadata of
  our own private buckets, never record content (docs/adr/0006-access-log-buckets-sse-s3.md).

Usage::

    secured = private_bucket("uk-audit-bucket", bucket_name="tf-prod-uk-audit-trail-...", parent=self,
                             kms_key_arn=logs_key_arn, object_lock=True, protect=True)
    logs = access_log_bucket("uk-audit-access-logs", bucket_name="...", source=secured.bucket,
                             account_id=account_id, retention_days=400, noncurrent_days=400, parent=self)
    attach_access_logging("uk-audit-bucket", secured.bucket, logs.bucket, prefix="uk/trail/", parent=self)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.documents import policy_document
from domain.naming import bucket_arn

ACCESS_LOG_CLASSIFICATION = "internal"
"""Data classification of server access-log buckets: request metadata, no record content."""
ABORT_INCOMPLETE_UPLOADS_DAYS = 7
"""Days after which every lifecycle rule aborts an incomplete multipart upload (its parts cost storage)."""


def tls_only_statement(arn: str) -> dict[str, Any]:
    """Deny every request to the bucket (`arn`) and its objects made without TLS."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def server_access_log_statement(target_bucket: str, source_bucket: str, account_id: str) -> dict[str, Any]:
    """S3's logging service may write into `target_bucket`, only the logs of `source_bucket` in our account."""
    return {
        "Sid": "S3ServerAccessLogs",
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": f"{bucket_arn(target_bucket)}/*",
        "Condition": {
            "ArnLike": {"aws:SourceArn": bucket_arn(source_bucket)},
            "StringEquals": {"aws:SourceAccount": account_id},
        },
    }


def access_log_bucket_policy(target_bucket: str, source_bucket: str, account_id: str) -> str:
    """TLS only; S3's logging service may write the source bucket's access logs."""
    return policy_document(
        [
            tls_only_statement(bucket_arn(target_bucket)),
            server_access_log_statement(target_bucket, source_bucket, account_id),
        ]
    )


@dataclass(frozen=True)
class SecureBucket:
    """A declared private bucket and its versioning (object lock and lifecycle wait for versioning)."""

    bucket: aws.s3.Bucket
    versioning: aws.s3.BucketVersioning


def private_bucket(
    name: str,
    *,
    bucket_name: pulumi.Input[str],
    parent: pulumi.Resource,
    kms_key_arn: pulumi.Input[str] | None,
    object_lock: bool = False,
    protect: bool = False,
    tags: Mapping[str, pulumi.Input[str]] | None = None,
) -> SecureBucket:
    """A versioned, owner-enforced bucket with every public access block; SSE-KMS when `kms_key_arn` is given.

    `kms_key_arn=None` declares no encryption configuration: S3 then encrypts with SSE-S3, which only an
    access-log bucket (classified internal) may rely on.
    """
    child = pulumi.ResourceOptions(parent=parent)
    bucket = aws.s3.Bucket(
        name,
        bucket=bucket_name,
        object_lock_enabled=object_lock,
        force_destroy=False,
        tags=dict(tags) if tags else None,
        opts=pulumi.ResourceOptions(parent=parent, protect=protect) if protect else child,
    )
    aws.s3.BucketOwnershipControls(
        f"{name}-ownership",
        bucket=bucket.id,
        rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
        opts=child,
    )
    aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access-block",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=child,
    )
    versioning = aws.s3.BucketVersioning(
        f"{name}-versioning",
        bucket=bucket.id,
        versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
        opts=child,
    )
    if kms_key_arn is not None:
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="aws:kms", kms_master_key_id=kms_key_arn
                    ),
                    bucket_key_enabled=True,
                )
            ],
            opts=child,
        )
    return SecureBucket(bucket, versioning)


def attach_policy(
    name: str, bucket: aws.s3.Bucket, policy: pulumi.Input[str], *, parent: pulumi.Resource
) -> aws.s3.BucketPolicy:
    """The bucket policy `<name>-policy`."""
    return aws.s3.BucketPolicy(
        f"{name}-policy", bucket=bucket.id, policy=policy, opts=pulumi.ResourceOptions(parent=parent)
    )


def lifecycle_rule(
    rule_id: str,
    *,
    expiration_days: int,
    noncurrent_days: int,
    noncurrent_to_glacier_days: int | None = None,
) -> aws.s3.BucketLifecycleConfigurationRuleArgs:
    """One rule for every object: expire after `expiration_days`, delete noncurrent versions after
    `noncurrent_days`, optionally move them to Glacier first, and abort incomplete multipart uploads."""
    transitions = (
        [
            aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionTransitionArgs(
                noncurrent_days=noncurrent_to_glacier_days, storage_class="GLACIER"
            )
        ]
        if noncurrent_to_glacier_days is not None
        else None
    )
    return aws.s3.BucketLifecycleConfigurationRuleArgs(
        id=rule_id,
        status="Enabled",
        filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
        noncurrent_version_transitions=transitions,
        noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
            noncurrent_days=noncurrent_days
        ),
        expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=expiration_days),
        abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
            days_after_initiation=ABORT_INCOMPLETE_UPLOADS_DAYS
        ),
    )


def attach_lifecycle(
    name: str,
    secured: SecureBucket,
    rules: Sequence[aws.s3.BucketLifecycleConfigurationRuleArgs],
    *,
    parent: pulumi.Resource,
) -> aws.s3.BucketLifecycleConfiguration:
    """The lifecycle configuration `<name>-lifecycle`, declared after versioning (noncurrent rules need it)."""
    return aws.s3.BucketLifecycleConfiguration(
        f"{name}-lifecycle",
        bucket=secured.bucket.id,
        rules=list(rules),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[secured.versioning]),
    )


def attach_object_lock(
    name: str,
    secured: SecureBucket,
    *,
    parent: pulumi.Resource,
    days: int | None = None,
    years: int | None = None,
) -> aws.s3.BucketObjectLockConfiguration:
    """COMPLIANCE-mode default retention `<name>-object-lock`, in days or years (exactly one)."""
    if (days is None) == (years is None):
        raise ValueError("attach_object_lock: days, years: give exactly one; allowed: days=<int> or years=<int>")
    return aws.s3.BucketObjectLockConfiguration(
        f"{name}-object-lock",
        bucket=secured.bucket.id,
        object_lock_enabled="Enabled",
        rule=aws.s3.BucketObjectLockConfigurationRuleArgs(
            default_retention=aws.s3.BucketObjectLockConfigurationRuleDefaultRetentionArgs(
                mode="COMPLIANCE", days=days, years=years
            )
        ),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[secured.versioning]),
    )


def attach_access_logging(
    name: str, bucket: aws.s3.Bucket, target: aws.s3.Bucket, *, prefix: str, parent: pulumi.Resource
) -> aws.s3.BucketLogging:
    """Server access logging `<name>-logging` of `bucket` into `target` under `prefix`."""
    return aws.s3.BucketLogging(
        f"{name}-logging",
        bucket=bucket.id,
        target_bucket=target.id,
        target_prefix=prefix,
        opts=pulumi.ResourceOptions(parent=parent),
    )


def access_log_bucket(
    name: str,
    *,
    bucket_name: pulumi.Input[str],
    source: aws.s3.Bucket,
    account_id: pulumi.Input[str],
    retention_days: int,
    noncurrent_days: int,
    parent: pulumi.Resource,
) -> SecureBucket:
    """The server access-log target of `source`: private, versioned, SSE-S3, TLS-only, expiring.

    Tagged `data-classification: internal` (over the provider's default), with no encryption configuration:
    S3 delivers access logs only into SSE-S3 buckets, and SSE-S3 is S3's default. No object lock (S3 refuses
    locked log targets); the logs are kept `retention_days`, noncurrent versions `noncurrent_days`.
    """
    secured = private_bucket(
        name,
        bucket_name=bucket_name,
        parent=parent,
        kms_key_arn=None,
        tags={"data-classification": ACCESS_LOG_CLASSIFICATION},
    )
    attach_policy(
        name,
        secured.bucket,
        pulumi.Output.all(secured.bucket.bucket, source.bucket, account_id).apply(
            lambda values: access_log_bucket_policy(values[0], values[1], values[2])
        ),
        parent=parent,
    )
    attach_lifecycle(
        name,
        secured,
        [lifecycle_rule("expire-access-logs", expiration_days=retention_days, noncurrent_days=noncurrent_days)],
        parent=parent,
    )
    return secured
