"""aws-s3-bucket-public-access-block: every S3 bucket has its own public access block with all four flags on.

A bucket is matched to an `aws.s3.BucketPublicAccessBlock` whose `bucket` depends on it (`bucket=b.id`) or names
it literally. A matching block with a flag off (or not known during preview) does not protect the bucket; the
block's own flags are also reported by aws-s3-public-access-block-all-enabled, at the block.
"""

from __future__ import annotations

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, stack_policy
from policies.lib.s3 import BUCKET_TYPES, BucketTargets

META = PolicyMeta(
    id="TF-AWS-S3-PUB-001",
    name="aws-s3-bucket-public-access-block",
    description="Every S3 bucket has a public access block resource with all four protections enabled.",
    severity="high",
    topics=("exposure", "data-protection"),
    controls={
        "SOC2": ("CC6.1", "CC6.6"),
        "ISO27001:2022": ("A.8.3", "A.5.15"),
        "GDPR": ("Art.32",),
        "CIS-AWS-3.0": ("2.1.4",),
    },
    remediation=(
        "Declare an aws.s3.BucketPublicAccessBlock with bucket=<bucket>.id and all four block/ignore/restrict "
        "flags set to True."
    ),
)

BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def _all_on(block: object) -> bool:
    props = block.props  # type: ignore[attr-defined]
    return all(not is_unknown(props, flag) and get(props, flag) is True for flag in FLAGS)


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    blocks = BucketTargets([r for r in args.resources if r.resource_type == BLOCK])
    for bucket in args.resources:
        if bucket.resource_type not in BUCKET_TYPES:
            continue
        targeting = blocks.of(bucket)
        if not targeting:
            report_violation(
                f"S3 bucket '{bucket.name}' has no public access block; declare an aws.s3.BucketPublicAccessBlock "
                "with bucket=<bucket>.id and all four flags set to True.",
                bucket.urn,
            )
        elif not any(_all_on(block) for block in targeting):
            report_violation(
                f"S3 bucket '{bucket.name}': its public access block '{targeting[0].name}' does not enable all "
                "four flags; set block_public_acls, block_public_policy, ignore_public_acls and "
                "restrict_public_buckets to True.",
                bucket.urn,
            )


POLICY = stack_policy(META, validate)
