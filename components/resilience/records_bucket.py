"""Records bucket: the cell's statutory record store in S3, locked, encrypted, logged, replicated to the pair.

One `RecordsBucket` per cell and stack declares, in the cell's region:

- the records bucket `trustfabric-<deployment>-<cell>-records-<region>-<account>` (deterministic, so the other
  stack of the pair knows the replica's name): versioned, SSE-KMS with the cell's data key through a separate
  `BucketServerSideEncryptionConfiguration` (bucket key on), object lock in COMPLIANCE mode for the statutory
  years, a lifecycle moving noncurrent versions to Glacier, expiring objects after the retention and aborting
  incomplete multipart uploads after 7 days, a TLS-only
  bucket policy, every public access block flag, owner-enforced object ownership (no ACLs), access logs;
- with `replicate_to_region` (the prod footprint): a `BucketReplicationConfig` to the same cell's records bucket
  in the paired region, encrypting replicas with the replica key there (`replica_kms_key_arn`), with
  replication time control, delete-marker replication and its own least-privilege IAM role;
- with `replica_source_region` (the dr footprint): no replication of its own; the bucket is the replica target
  and says so in its `replica-of` tag (the source bucket's ARN), which the DR-readiness policy reads;
- the access-log bucket `...-records-logs-...` (`components/storage/secure_bucket.py`): versioned, TLS-only,
  public access blocked, expiring after `access_log_retention_days` (incomplete uploads aborted), backed up
  under the records tier by ARN. It is encrypted with SSE-S3 and classified `internal`: S3 delivers server
  access logs only into buckets whose default encryption is SSE-S3 (docs/adr/0006-access-log-buckets-sse-s3.md).

Usage::

    records = RecordsBucket(
        "uk-records",
        RecordsBucketArgs(
            deployment="prod", cell="uk", jurisdiction="UK", region="eu-west-2",
            kms_key_arn=key_arns["data-restricted"],
            replicate_to_region="eu-west-1", replica_kms_key_arn=replica_key_arn,
        ),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
    protected = [records.bucket_arn]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.documents import policy_document
from components.storage.bucket_policies import tls_only_statement
from components.storage.secure_bucket import AccessLogs, lifecycle_rule, locked_bucket
from components.trust import assume_role_policy
from components.validation import require_jurisdiction, require_range, require_region_in_jurisdiction
from domain.naming import bucket_arn, records_bucket_name, records_log_bucket_name, records_replication_role_name
from domain.residency import JURISDICTIONS
from domain.retention import DATA_CLASS_TAG
from domain.tags import BACKUP_TIER

TIER = "records"
"""The recovery tier of a records bucket (its `backup-tier` tag)."""
DATA_CLASS = "statutory-record"
"""The data class of a records bucket (its `data-class` tag, `domain.retention`): statutory records."""
REPLICA_OF_TAG = "replica-of"
"""Tag on a replica-target bucket naming its source bucket's ARN."""
LOG_NONCURRENT_DAYS = 30
"""Days a noncurrent access-log object version is kept (log objects are never overwritten in normal use)."""

_KMS_REGION = re.compile(r"^arn:aws[a-z-]*:kms:([a-z0-9-]+):")


def paired_key_arn(key_arn: str, region: str) -> str:
    """The ARN a multi-Region key's replica has in `region` (same account and key id, another region)."""
    match = _KMS_REGION.match(key_arn)
    if match is None:
        raise ValueError(f"{key_arn!r} is not a KMS key ARN; allowed: arn:aws:kms:<region>:<account>:key/<id>")
    return key_arn.replace(f":kms:{match.group(1)}:", f":kms:{region}:", 1)


def replication_destination(
    destination_bucket_arn: pulumi.Input[str], replica_key_arn: pulumi.Input[str]
) -> aws.s3.BucketReplicationConfigRuleDestinationArgs:
    """Where a replication rule of ours sends objects: the paired bucket, STANDARD, encrypted with the data key's
    replica there, with Replication Time Control and its metrics at 15 minutes (the RPO the alarms watch)."""
    return aws.s3.BucketReplicationConfigRuleDestinationArgs(
        bucket=destination_bucket_arn,
        storage_class="STANDARD",
        encryption_configuration=aws.s3.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs(
            replica_kms_key_id=replica_key_arn
        ),
        replication_time=aws.s3.BucketReplicationConfigRuleDestinationReplicationTimeArgs(
            status="Enabled",
            time=aws.s3.BucketReplicationConfigRuleDestinationReplicationTimeTimeArgs(minutes=15),
        ),
        metrics=aws.s3.BucketReplicationConfigRuleDestinationMetricsArgs(
            status="Enabled",
            event_threshold=aws.s3.BucketReplicationConfigRuleDestinationMetricsEventThresholdArgs(minutes=15),
        ),
    )


@dataclass(frozen=True)
class RecordsBucketArgs:
    """Arguments of a cell's records bucket."""

    deployment: str
    """Name shared by the stacks of a pair (`prod` for prod and dr); part of the bucket names."""
    cell: str
    """The cell's name prefix, e.g. `uk`."""
    jurisdiction: str
    """Jurisdiction code (UK, EU, US, CA): allowed regions and the statutory retention come from it."""
    region: str
    """Region of the bucket (the provider's region)."""
    kms_key_arn: pulumi.Input[str]
    """The cell's data key in `region` (data-confidential or data-restricted, by the cell's classification)."""
    replicate_to_region: str | None = None
    """Replicate every object to the same cell's records bucket in this region (the paired region)."""
    replica_kms_key_arn: pulumi.Input[str] | None = None
    """The data key's replica in `replicate_to_region`, encrypting the replicas; required with it."""
    replica_source_region: str | None = None
    """This bucket is the replica target of the same cell's bucket in this region (the dr footprint)."""
    retention_years: int | None = None
    """Object lock (COMPLIANCE) and expiry, in years; None: the jurisdiction's statutory years. Never lower."""
    noncurrent_to_glacier_days: int = 30
    """Days after which a noncurrent object version moves to Glacier Flexible Retrieval: 1..365."""
    access_log_retention_days: int = 400
    """Days server access logs are kept: 365..3653 (the log retention floor is 365)."""
    permissions_boundary_arn: pulumi.Input[str] | None = None
    """Permission boundary of the replication role (the cell's boundary)."""


def replication_rule_id(paired_region: str) -> str:
    """The id of the replication rule to the paired region (a dimension of its S3 replication metrics)."""
    return f"records-to-{paired_region}"


def validate_args(args: RecordsBucketArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("RecordsBucket", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("RecordsBucket", "region", args.region, args.jurisdiction)
    jurisdiction = JURISDICTIONS[args.jurisdiction]
    for field_name in ("replicate_to_region", "replica_source_region"):
        other = getattr(args, field_name)
        if other is None:
            continue
        require_region_in_jurisdiction("RecordsBucket", field_name, other, args.jurisdiction)
        if other == args.region:
            others = [r for r in jurisdiction.allowed_regions if r != args.region]
            raise ValueError(
                f"RecordsBucket: {field_name}: {other!r} is the bucket's own region; allowed: {', '.join(others)}"
            )
    if args.replicate_to_region is not None and args.replica_source_region is not None:
        raise ValueError(
            "RecordsBucket: replica_source_region: a replica target does not replicate itself; "
            "allowed: one of replicate_to_region, replica_source_region"
        )
    if args.replicate_to_region is not None and args.replica_kms_key_arn is None:
        raise ValueError(
            "RecordsBucket: replica_kms_key_arn: required with replicate_to_region; "
            f"allowed: the data key's replica in {args.replicate_to_region}"
        )
    if args.retention_years is not None:
        require_range("RecordsBucket", "retention_years", args.retention_years, jurisdiction.retention_years, 100)
    require_range("RecordsBucket", "noncurrent_to_glacier_days", args.noncurrent_to_glacier_days, 1, 365)
    require_range("RecordsBucket", "access_log_retention_days", args.access_log_retention_days, 365, 3653)


def retention_days(years: int) -> int:
    """Days in `years` years, counting every leap day the span can contain (as domain.residency does)."""
    return years * 365 + (years + 3) // 4


def records_bucket_policy(bucket: str) -> str:
    """TLS only; objects may only be written encrypted with KMS."""
    arn = bucket_arn(bucket)
    return policy_document(
        [
            tls_only_statement(arn),
            {
                "Sid": "DenyUnencryptedUploads",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": f"{arn}/*",
                "Condition": {"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": "aws:kms"}},
            },
        ]
    )


def replication_role_policy(source: str, destination: str, source_key: str, replica_key: str) -> str:
    """Least privilege for S3 replication: read the source's versions, write replicas, use the two keys."""
    source_arn, destination_arn = bucket_arn(source), bucket_arn(destination)
    return policy_document(
        [
            {
                "Sid": "ReadSourceConfiguration",
                "Effect": "Allow",
                "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                "Resource": source_arn,
            },
            {
                "Sid": "ReadSourceVersions",
                "Effect": "Allow",
                "Action": [
                    "s3:GetObjectVersionForReplication",
                    "s3:GetObjectVersionAcl",
                    "s3:GetObjectVersionTagging",
                    "s3:GetObjectRetention",
                    "s3:GetObjectLegalHold",
                ],
                "Resource": f"{source_arn}/*",
            },
            {
                "Sid": "WriteReplicas",
                "Effect": "Allow",
                "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                "Resource": f"{destination_arn}/*",
            },
            {"Sid": "DecryptSource", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": source_key},
            {
                "Sid": "EncryptReplicas",
                "Effect": "Allow",
                "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
                "Resource": replica_key,
            },
        ]
    )


class RecordsBucket(pulumi.ComponentResource):
    """A locked, encrypted, logged records bucket; replicated to (or the replica of) the paired region's."""

    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    log_bucket_arn: pulumi.Output[str]

    def __init__(self, name: str, args: RecordsBucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:resilience:RecordsBucket", name, None, opts)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        years = args.retention_years or JURISDICTIONS[args.jurisdiction].retention_years
        days = retention_days(years)

        tags: dict[str, pulumi.Input[str]] = {BACKUP_TIER: TIER, DATA_CLASS_TAG: DATA_CLASS}
        if args.replica_source_region is not None:
            source_region = args.replica_source_region
            tags[REPLICA_OF_TAG] = account_id.apply(
                lambda account: bucket_arn(records_bucket_name(args.deployment, args.cell, source_region, account))
            )
        records = locked_bucket(
            f"{name}-bucket",
            bucket_name=account_id.apply(
                lambda account: records_bucket_name(args.deployment, args.cell, args.region, account)
            ),
            kms_key_arn=args.kms_key_arn,
            policy=lambda bucket: bucket.bucket.apply(records_bucket_policy),
            lifecycle=lifecycle_rule(
                "records-retention",
                expiration_days=days,
                noncurrent_days=days,
                noncurrent_to_glacier_days=args.noncurrent_to_glacier_days,
            ),
            logs=AccessLogs(
                f"{name}-logs",
                bucket_name=account_id.apply(
                    lambda account: records_log_bucket_name(args.deployment, args.cell, args.region, account)
                ),
                account_id=account_id,
                retention_days=args.access_log_retention_days,
                noncurrent_days=LOG_NONCURRENT_DAYS,
                prefix=f"records/{args.region}/",
            ),
            parent=self,
            years=years,
            tags=tags,
        )
        bucket, versioning, logs = records.bucket, records.versioning, records.log_bucket

        self.replication_dimensions: dict[str, pulumi.Output[str]] | None = None
        """The dimensions of the replication rule's S3 metrics (replication time control), when it replicates."""
        if args.replicate_to_region is not None and args.replica_kms_key_arn is not None:
            self.replication_dimensions = self._replication(
                name, args, args.replica_kms_key_arn, bucket, versioning, account_id
            )

        self.bucket_name = bucket.bucket
        self.bucket_arn = bucket.arn
        self.log_bucket_arn = logs.arn
        self.register_outputs(
            {
                "bucket_name": self.bucket_name,
                "bucket_arn": self.bucket_arn,
                "log_bucket_arn": self.log_bucket_arn,
            }
        )

    def _replication(
        self,
        name: str,
        args: RecordsBucketArgs,
        replica_key: pulumi.Input[str],
        bucket: aws.s3.Bucket,
        versioning: aws.s3.BucketVersioning,
        account_id: pulumi.Output[str],
    ) -> dict[str, pulumi.Output[str]]:
        paired = str(args.replicate_to_region)
        destination = account_id.apply(lambda account: records_bucket_name(args.deployment, args.cell, paired, account))
        role = aws.iam.Role(
            f"{name}-replication-role",
            name=records_replication_role_name(args.deployment, args.cell, args.region),
            description=f"S3 replication of the {args.jurisdiction} records bucket to {paired}",
            assume_role_policy=account_id.apply(lambda account: assume_role_policy("s3.amazonaws.com", account)),
            permissions_boundary=args.permissions_boundary_arn,
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.iam.RolePolicy(
            f"{name}-replication-role-policy",
            role=role.id,
            policy=pulumi.Output.all(bucket.bucket, destination, args.kms_key_arn, replica_key).apply(
                lambda values: replication_role_policy(values[0], values[1], values[2], values[3])
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.s3.BucketReplicationConfig(
            f"{name}-bucket-replication",
            bucket=bucket.id,
            role=role.arn,
            rules=[
                aws.s3.BucketReplicationConfigRuleArgs(
                    id=replication_rule_id(paired),
                    status="Enabled",
                    priority=1,
                    filter=aws.s3.BucketReplicationConfigRuleFilterArgs(prefix=""),
                    delete_marker_replication=aws.s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs(
                        status="Enabled"
                    ),
                    source_selection_criteria=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs(
                        sse_kms_encrypted_objects=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs(
                            status="Enabled"
                        ),
                        replica_modifications=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaReplicaModificationsArgs(
                            status="Enabled"
                        ),
                    ),
                    destination=replication_destination(destination.apply(bucket_arn), replica_key),
                )
            ],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )
        return {
            "SourceBucket": bucket.bucket,
            "DestinationBucket": destination,
            "RuleId": pulumi.Output.from_input(replication_rule_id(paired)),
        }
