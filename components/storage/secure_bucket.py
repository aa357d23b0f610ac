"""The private S3 bucket every component declares the same way, and the server access-log bucket beside it.

Functions, not a component: each declares its resources under the `parent` it is given, named from the
bucket's resource name (`<name>-versioning`, `<name>-policy`, ...), so a component that adopts them keeps
the URNs it had.

- `private_bucket`: the bucket, owner-enforced object ownership (ACLs off), all four public access blocks,
  versioning, and SSE-KMS default encryption with a customer-managed key (bucket key on);
- `attach_policy`, `attach_lifecycle` (every rule also aborts incomplete multipart uploads), `attach_object_lock`
  (COMPLIANCE mode), `attach_access_logging`;
- `locked_bucket`: all of the above for a record store (object lock, policy, lifecycle, access logging into its
  own `access_log_bucket`), as the audit trail and the records bucket declare it;
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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.storage.bucket_policies import access_log_bucket_policy

ACCESS_LOG_CLASSIFICATION = "internal"
"""Data classification of server access-log buckets: request metadata, no record content."""
ABORT_INCOMPLETE_UPLOADS_DAYS = 7
"""Days after which every lifecycle rule aborts an incomplete multipart upload (its parts cost storage)."""


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


@dataclass(frozen=True)
class AccessLogs:
    """Where a locked bucket's server access logs go: an access-log bucket of their own beside it."""

    name: str
    """Resource name of the access-log bucket (its children are named from it)."""
    bucket_name: pulumi.Input[str]
    account_id: pulumi.Input[str]
    """The account whose logging service may write into it."""
    retention_days: int
    noncurrent_days: int
    prefix: str
    """Key prefix of the logs in the log bucket."""


@dataclass(frozen=True)
class LockedBucket:
    """A declared locked bucket, its versioning and policy, and its access-log bucket."""

    bucket: aws.s3.Bucket
    versioning: aws.s3.BucketVersioning
    policy: aws.s3.BucketPolicy
    log_bucket: aws.s3.Bucket


def locked_bucket(
    name: str,
    *,
    bucket_name: pulumi.Input[str],
    kms_key_arn: pulumi.Input[str],
    policy: Callable[[aws.s3.Bucket], pulumi.Input[str]],
    lifecycle: aws.s3.BucketLifecycleConfigurationRuleArgs,
    logs: AccessLogs,
    parent: pulumi.Resource,
    days: int | None = None,
    years: int | None = None,
    protect: bool = False,
    tags: Mapping[str, pulumi.Input[str]] | None = None,
) -> LockedBucket:
    """A record store: `private_bucket` with object lock (COMPLIANCE, `days` or `years`), the bucket `policy`
    (given the bucket), one `lifecycle` rule, and server access logging into its own `access_log_bucket`."""
    secured = private_bucket(
        name,
        bucket_name=bucket_name,
        parent=parent,
        kms_key_arn=kms_key_arn,
        object_lock=True,
        protect=protect,
        tags=tags,
    )
    log_bucket = access_log_bucket(
        logs.name,
        bucket_name=logs.bucket_name,
        source=secured.bucket,
        account_id=logs.account_id,
        retention_days=logs.retention_days,
        noncurrent_days=logs.noncurrent_days,
        parent=parent,
    ).bucket
    bucket_policy = attach_policy(name, secured.bucket, policy(secured.bucket), parent=parent)
    attach_object_lock(name, secured, parent=parent, days=days, years=years)
    attach_lifecycle(name, secured, [lifecycle], parent=parent)
    attach_access_logging(name, secured.bucket, log_bucket, prefix=logs.prefix, parent=parent)
    return LockedBucket(secured.bucket, secured.versioning, bucket_policy, log_bucket)
