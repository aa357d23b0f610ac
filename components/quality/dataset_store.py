"""Golden dataset store: a cell's curated datasets in S3, locked, encrypted, logged, replicated inside the jurisdiction.

One `DatasetStore` per cell and stack declares, in the cell's region:

- the dataset bucket `trustfabric-<deployment>-<cell>-datasets-<region>-<account>` (deterministic, so the other
  stack of the pair knows the replica's name; `components/storage/secure_bucket.py`): versioned, SSE-KMS with the
  cell's data key (bucket key on), every public access block, owner-enforced ownership, Object Lock with a
  default retention in GOVERNANCE mode (`lock_days`) for every curated version, a lifecycle that aborts
  incomplete uploads (nothing expires), server access logs into its own log bucket, tagged `dataset-store`;
- its manifest index in the same bucket (`versions/<id>/manifest.json`, `versions/<id>/samples.jsonl`,
  `labels/...`, as `trustfabric datasets` writes them), locked and replicated with the data it indexes;
- a bucket policy: TLS only, KMS-encrypted writes by the curator role only, the evaluator role reads only, and
  everyone is denied deleting an object or a version and bypassing the governance lock (explicit deny);
- two roles under the cell's permission boundary: `dataset-curator` (people with MFA: read and add) and
  `dataset-evaluator` (the evaluation pipeline: read only);
- with `replicate_to_region` (the prod footprint): replication of every object, with its retention, to the same
  cell's dataset bucket in the paired region (replica key there, replication time control), by its own role;
- with `replica_source_region` (the dr footprint): the bucket is the replica target and says so in its
  `replica-of` tag, which the DR-readiness policy reads.

Usage::

    store = DatasetStore(
        "uk-datasets",
        DatasetStoreArgs(
            deployment="prod", stack="prod", cell="uk", jurisdiction="UK", region="eu-west-2",
            kms_key_arn=key_arns["data-restricted"],
            replicate_to_region="eu-west-1", replica_kms_key_arn=replica_key_arn,
        ),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
    backed_up = [store.bucket_arn]
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.quality.dataset_documents import (
    curator_policy,
    dataset_bucket_name,
    dataset_bucket_policy,
    dataset_log_bucket_name,
    dataset_role_name,
    evaluator_policy,
    evaluator_trust_policy,
    replication_policy,
)
from components.resilience.records_bucket import replication_destination
from components.security.iam_documents import human_trust_policy
from components.storage.secure_bucket import (
    ABORT_INCOMPLETE_UPLOADS_DAYS,
    SecureBucket,
    access_log_bucket,
    attach_access_logging,
    attach_lifecycle,
    attach_policy,
    private_bucket,
)
from components.trust import assume_role_policy
from components.validation import require_jurisdiction, require_range, require_region_in_jurisdiction
from domain.naming import bucket_arn
from domain.residency import JURISDICTIONS
from domain.tags import BACKUP_TIER

COMPONENT = "DatasetStore"
TIER = "records"
"""Recovery tier of a dataset bucket (its `backup-tier` tag): the records tier's plans and objectives."""
DATASET_STORE_TAG = "dataset-store"
"""Tag marking a golden dataset bucket (value `golden`); the dataset policies judge the buckets carrying it."""
DATASET_STORE_VALUE = "golden"
REPLICA_OF_TAG = "replica-of"
"""Tag on a replica-target bucket naming its source bucket's ARN (as the records bucket's)."""
LOCK_MODE = "GOVERNANCE"
"""Governance, not compliance: a reviewed break-glass change may still lift a lock (an erasure order), nobody
else can (docs/adr/0015-golden-dataset-store.md)."""
LOG_NONCURRENT_DAYS = 30
MIN_LOCK_DAYS = 365
MAX_LOCK_DAYS = 36500


@dataclass(frozen=True)
class DatasetStoreArgs:
    """Arguments of a cell's golden dataset store."""

    deployment: str
    """Name shared by the stacks of a pair (`prod` for prod and dr); part of the bucket names."""
    stack: str
    """This stack's name; part of the role names (prod and dr share the account)."""
    cell: str
    """The cell's name prefix, e.g. `uk`."""
    jurisdiction: str
    """Jurisdiction code (UK, EU, US, CA): the regions the store and its replica may be in."""
    region: str
    """Region of the bucket (the provider's region)."""
    kms_key_arn: pulumi.Input[str]
    """The cell's data key in `region`, encrypting every object."""
    lock_days: int = 3653
    """Default GOVERNANCE retention of every object, in days: 365..36500 (default ten years, the tooling's)."""
    replicate_to_region: str | None = None
    """Replicate every object to the same cell's dataset bucket in this region (the paired region)."""
    replica_kms_key_arn: pulumi.Input[str] | None = None
    """The data key's replica in `replicate_to_region`, encrypting the replicas; required with it."""
    replica_source_region: str | None = None
    """This bucket is the replica target of the same cell's bucket in this region (the dr footprint)."""
    access_log_retention_days: int = 400
    """Days server access logs are kept: 365..3653 (the log retention floor is 365)."""
    permissions_boundary_arn: pulumi.Input[str] | None = None
    """Permission boundary of every role the store declares (the cell's boundary)."""


def validate_args(args: DatasetStoreArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction(COMPONENT, "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction(COMPONENT, "region", args.region, args.jurisdiction)
    allowed = JURISDICTIONS[args.jurisdiction].allowed_regions
    for field_name in ("replicate_to_region", "replica_source_region"):
        other = getattr(args, field_name)
        if other is None:
            continue
        require_region_in_jurisdiction(COMPONENT, field_name, other, args.jurisdiction)
        if other == args.region:
            others = [region for region in allowed if region != args.region]
            raise ValueError(
                f"{COMPONENT}: {field_name}: {other!r} is the bucket's own region; allowed: {', '.join(others)}"
            )
    if args.replicate_to_region is not None and args.replica_source_region is not None:
        raise ValueError(
            f"{COMPONENT}: replica_source_region: a replica target does not replicate itself; "
            "allowed: one of replicate_to_region, replica_source_region"
        )
    if args.replicate_to_region is not None and args.replica_kms_key_arn is None:
        raise ValueError(
            f"{COMPONENT}: replica_kms_key_arn: required with replicate_to_region; "
            f"allowed: the data key's replica in {args.replicate_to_region}"
        )
    require_range(COMPONENT, "lock_days", args.lock_days, MIN_LOCK_DAYS, MAX_LOCK_DAYS)
    require_range(COMPONENT, "access_log_retention_days", args.access_log_retention_days, 365, 3653)


class DatasetStore(pulumi.ComponentResource):
    """A cell's golden dataset bucket (GOVERNANCE-locked, CMK, logged, replicated) and its curator and evaluator
    roles."""

    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    log_bucket_arn: pulumi.Output[str]
    curator_role_arn: pulumi.Output[str]
    evaluator_role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: DatasetStoreArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:quality:DatasetStore", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id

        tags: dict[str, pulumi.Input[str]] = {BACKUP_TIER: TIER, DATASET_STORE_TAG: DATASET_STORE_VALUE}
        if args.replica_source_region is not None:
            source_region = args.replica_source_region
            tags[REPLICA_OF_TAG] = account_id.apply(
                lambda account: bucket_arn(dataset_bucket_name(args.deployment, args.cell, source_region, account))
            )
        bucket_name = account_id.apply(
            lambda account: dataset_bucket_name(args.deployment, args.cell, args.region, account)
        )
        secured = private_bucket(
            f"{name}-bucket",
            bucket_name=bucket_name,
            parent=self,
            kms_key_arn=args.kms_key_arn,
            object_lock=True,
            tags=tags,
        )
        logs = access_log_bucket(
            f"{name}-logs",
            bucket_name=account_id.apply(
                lambda account: dataset_log_bucket_name(args.deployment, args.cell, args.region, account)
            ),
            source=secured.bucket,
            account_id=account_id,
            retention_days=args.access_log_retention_days,
            noncurrent_days=LOG_NONCURRENT_DAYS,
            parent=self,
        ).bucket

        curator = aws.iam.Role(
            f"{name}-curator",
            name=dataset_role_name(args.stack, args.cell, "curator"),
            description=f"Curators of the {args.jurisdiction} golden datasets: read and add, never delete",
            assume_role_policy=account_id.apply(lambda account: human_trust_policy(account, account, None)),
            max_session_duration=3600,
            permissions_boundary=args.permissions_boundary_arn,
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-curator-policy",
            role=curator.id,
            policy=pulumi.Output.all(secured.bucket.bucket, args.kms_key_arn).apply(
                lambda values: curator_policy(values[0], values[1])
            ),
            opts=child,
        )
        evaluator = aws.iam.Role(
            f"{name}-evaluator",
            name=dataset_role_name(args.stack, args.cell, "evaluator"),
            description=f"The evaluation pipeline's read-only access to the {args.jurisdiction} golden datasets",
            assume_role_policy=account_id.apply(evaluator_trust_policy),
            max_session_duration=3600,
            permissions_boundary=args.permissions_boundary_arn,
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-evaluator-policy",
            role=evaluator.id,
            policy=pulumi.Output.all(secured.bucket.bucket, args.kms_key_arn).apply(
                lambda values: evaluator_policy(values[0], values[1])
            ),
            opts=child,
        )

        attach_policy(
            f"{name}-bucket",
            secured.bucket,
            pulumi.Output.all(secured.bucket.bucket, curator.arn, evaluator.arn).apply(
                lambda values: dataset_bucket_policy(values[0], values[1], values[2])
            ),
            parent=self,
        )
        aws.s3.BucketObjectLockConfiguration(
            f"{name}-bucket-object-lock",
            bucket=secured.bucket.id,
            object_lock_enabled="Enabled",
            rule=aws.s3.BucketObjectLockConfigurationRuleArgs(
                default_retention=aws.s3.BucketObjectLockConfigurationRuleDefaultRetentionArgs(
                    mode=LOCK_MODE, days=args.lock_days
                )
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[secured.versioning]),
        )
        attach_lifecycle(
            f"{name}-bucket",
            secured,
            [
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="abort-incomplete-uploads",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=ABORT_INCOMPLETE_UPLOADS_DAYS
                    ),
                )
            ],
            parent=self,
        )
        attach_access_logging(f"{name}-bucket", secured.bucket, logs, prefix=f"datasets/{args.region}/", parent=self)
        self.replication_dimensions: dict[str, pulumi.Output[str]] | None = None
        """The dimensions of the replication rule's S3 metrics (replication time control), when it replicates; the
        on-call layer alarms on them (`stacks/store_alarms.py`)."""
        if args.replicate_to_region is not None and args.replica_kms_key_arn is not None:
            self.replication_dimensions = self._replication(name, args, args.replica_kms_key_arn, secured, account_id)

        self.bucket_name = secured.bucket.bucket
        self.bucket_arn = secured.bucket.arn
        self.log_bucket_arn = logs.arn
        self.curator_role_arn = curator.arn
        self.evaluator_role_arn = evaluator.arn
        self.register_outputs(
            {
                "bucket_name": self.bucket_name,
                "bucket_arn": self.bucket_arn,
                "log_bucket_arn": self.log_bucket_arn,
                "curator_role_arn": self.curator_role_arn,
                "evaluator_role_arn": self.evaluator_role_arn,
            }
        )

    def _replication(
        self,
        name: str,
        args: DatasetStoreArgs,
        replica_key: pulumi.Input[str],
        secured: SecureBucket,
        account_id: pulumi.Output[str],
    ) -> dict[str, pulumi.Output[str]]:
        paired = str(args.replicate_to_region)
        rule_id = f"datasets-to-{paired}"
        destination = account_id.apply(lambda account: dataset_bucket_name(args.deployment, args.cell, paired, account))
        role = aws.iam.Role(
            f"{name}-replication-role",
            name=dataset_role_name(args.stack, args.cell, "replication"),
            description=f"S3 replication of the {args.jurisdiction} golden datasets to {paired}",
            assume_role_policy=account_id.apply(lambda account: assume_role_policy("s3.amazonaws.com", account)),
            permissions_boundary=args.permissions_boundary_arn,
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.iam.RolePolicy(
            f"{name}-replication-role-policy",
            role=role.id,
            policy=pulumi.Output.all(secured.bucket.bucket, destination, args.kms_key_arn, replica_key).apply(
                lambda values: replication_policy(values[0], values[1], values[2], values[3])
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        aws.s3.BucketReplicationConfig(
            f"{name}-bucket-replication",
            bucket=secured.bucket.id,
            role=role.arn,
            rules=[
                aws.s3.BucketReplicationConfigRuleArgs(
                    id=rule_id,
                    status="Enabled",
                    priority=1,
                    filter=aws.s3.BucketReplicationConfigRuleFilterArgs(prefix=""),
                    # Nothing is deleted (the bucket policy denies it), so there is no delete marker to replicate.
                    delete_marker_replication=aws.s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs(
                        status="Disabled"
                    ),
                    source_selection_criteria=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs(
                        sse_kms_encrypted_objects=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs(
                            status="Enabled"
                        ),
                    ),
                    destination=replication_destination(destination.apply(bucket_arn), replica_key),
                )
            ],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[secured.versioning]),
        )
        return {
            "SourceBucket": secured.bucket.bucket,
            "DestinationBucket": destination,
            "RuleId": pulumi.Output.from_input(rule_id),
        }
