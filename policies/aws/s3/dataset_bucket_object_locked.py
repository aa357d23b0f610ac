"""aws-s3-dataset-bucket-object-locked: a golden dataset bucket locks every object it holds.

A dataset bucket is an S3 bucket tagged `dataset-store` (`components/quality/dataset_store.py`). Released dataset
versions gate every release, so none may be overwritten or deleted: the bucket must be created with
`object_lock_enabled` and an `aws.s3.BucketObjectLockConfiguration` targeting it must set a default retention in
GOVERNANCE or COMPLIANCE mode of at least `minimumRetentionDays` (default 365, floor 365; years count as 365
days). A value not known during preview is a violation saying so, never a pass.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, stack_policy
from policies.lib.props import unknown_itself
from policies.lib.s3 import BUCKET_TYPES, BucketTargets
from policies.lib.tags import UNKNOWN_TAG, tag_value

META = PolicyMeta(
    id="TF-AWS-S3-DS-001",
    name="aws-s3-dataset-bucket-object-locked",
    description=(
        "Every golden dataset bucket has Object Lock with a default retention (governance or compliance) of at "
        "least the configured days."
    ),
    severity="high",
    topics=("integrity", "quality", "retention"),
    controls={
        "SOC2": ("PI1.5", "CC8.1"),
        "ISO27001:2022": ("A.5.33", "A.8.29"),
    },
    remediation=(
        "Create the dataset bucket with object_lock_enabled=True and declare an aws.s3.BucketObjectLockConfiguration "
        "with a GOVERNANCE default retention of at least 365 days."
    ),
    config_schema={
        "minimumRetentionDays": {
            "type": "integer",
            "minimum": 1,
            "default": 365,
            "description": "Minimum default retention of a dataset bucket's objects, in days.",
        }
    },
    floors={"minimumRetentionDays": 365},
)

DATASET_STORE_TAG = "dataset-store"
LOCK_CONFIGURATION = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
LOCK_MODES = ("GOVERNANCE", "COMPLIANCE")


def is_dataset_bucket(bucket: Any) -> Any:
    """True when the bucket carries the `dataset-store` tag, UNKNOWN_TAG when its tags are not known."""
    value = tag_value(bucket, DATASET_STORE_TAG)
    if value is UNKNOWN_TAG:
        return UNKNOWN_TAG
    return value is not None and str(value) != ""


def _retention_problem(configuration: Any, minimum: int) -> str | None:
    """None when the configuration locks objects for at least `minimum` days, else what is wrong."""
    props = configuration.props
    path = ("rule", "defaultRetention")
    for key in ("objectLockEnabled", "rule"):
        if unknown_itself(props, key):
            return f"its object lock configuration's {key} is not known during preview; set it literally"
    if get(props, "objectLockEnabled", default="Enabled") != "Enabled":
        return "its object lock configuration is not Enabled"
    if get(props, *path) is None:
        return "its object lock configuration sets no default retention"
    for key in ("mode", "days", "years"):
        if is_unknown(props, *path, key):
            return f"its default retention's {key} is not known during preview; set it literally"
    mode = get(props, *path, "mode")
    if mode not in LOCK_MODES:
        return f"its default retention mode is {mode!r}, not GOVERNANCE or COMPLIANCE"
    days = int(get(props, *path, "days", default=0) or 0) or 365 * int(get(props, *path, "years", default=0) or 0)
    if days < minimum:
        return f"its default retention is {days} days, below {minimum}"
    return None


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    minimum = int(args.get_config().get("minimumRetentionDays", 365))
    configurations = BucketTargets([r for r in args.resources if r.resource_type == LOCK_CONFIGURATION])
    fix = (
        f"create it with object_lock_enabled=True and a BucketObjectLockConfiguration whose GOVERNANCE default "
        f"retention is at least {minimum} days."
    )
    for bucket in args.resources:
        if bucket.resource_type not in BUCKET_TYPES:
            continue
        dataset = is_dataset_bucket(bucket)
        if dataset is False:
            continue
        if dataset is UNKNOWN_TAG:
            report_violation(
                f"S3 bucket '{bucket.name}': its tags are not known during preview, so whether it is a dataset "
                "bucket (and must be object-locked) cannot be told; set its tags literally.",
                bucket.urn,
            )
            continue
        if is_unknown(bucket.props, "objectLockEnabled"):
            report_violation(
                f"Dataset bucket '{bucket.name}': object_lock_enabled is not known during preview; {fix}", bucket.urn
            )
            continue
        if get(bucket.props, "objectLockEnabled") is not True:
            report_violation(f"Dataset bucket '{bucket.name}' is not object-locked; {fix}", bucket.urn)
            continue
        found = configurations.of(bucket)
        if not found:
            report_violation(f"Dataset bucket '{bucket.name}' has no object lock configuration; {fix}", bucket.urn)
            continue
        problems = [_retention_problem(configuration, minimum) for configuration in found]
        if all(problem is not None for problem in problems):
            report_violation(f"Dataset bucket '{bucket.name}': {problems[0]}; {fix}", bucket.urn)


POLICY = stack_policy(META, validate)
