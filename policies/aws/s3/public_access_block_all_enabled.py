"""aws-s3-public-access-block-all-enabled: every S3 public access block turns on all four protections.

`block_public_acls`, `block_public_policy`, `ignore_public_acls` and `restrict_public_buckets` default to false,
so each must be set to true. That every bucket has such a block is judged by the stack policy
aws-s3-bucket-public-access-block. A flag not known during preview is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

META = PolicyMeta(
    id="TF-AWS-S3-PUB-002",
    name="aws-s3-public-access-block-all-enabled",
    description="Every S3 bucket public access block enables all four of its protections.",
    severity="high",
    topics=("exposure", "data-protection"),
    controls={
        "SOC2": ("CC6.1", "CC6.6"),
        "ISO27001:2022": ("A.8.3", "A.5.15"),
        "GDPR": ("Art.32",),
        "CIS-AWS-3.0": ("2.1.4",),
    },
    remediation=("Set block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets to True."),
)

FLAGS = {
    "blockPublicAcls": "block_public_acls",
    "blockPublicPolicy": "block_public_policy",
    "ignorePublicAcls": "ignore_public_acls",
    "restrictPublicBuckets": "restrict_public_buckets",
}


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    unknown = [argument for key, argument in FLAGS.items() if is_unknown(args.props, key)]
    off = [argument for key, argument in FLAGS.items() if argument not in unknown and get(args.props, key) is not True]
    if off:
        report_violation(
            f"S3 public access block '{args.name}' leaves {', '.join(off)} off; set all four flags to True."
        )
    if unknown:
        report_violation(
            f"S3 public access block '{args.name}': {', '.join(unknown)} not known during preview; set them to "
            "True literally."
        )


POLICY = resource_policy(META, validate, resource_types=("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",))
