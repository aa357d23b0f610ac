"""aws-s3-bucket-secure-transport-policy-attached: every S3 bucket has a bucket policy.

Whatever its classification, a bucket must refuse requests made without TLS; that needs an
`aws.s3.BucketPolicy` targeting it, whose content the resource policy aws-s3-bucket-policy-secure-transport
judges. The deprecated inline `policy` argument of the bucket does not count.
"""

from __future__ import annotations

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, stack_policy
from policies.lib.s3 import BUCKET_TYPES, BucketTargets

META = PolicyMeta(
    id="TF-AWS-S3-TLS-002",
    name="aws-s3-bucket-secure-transport-policy-attached",
    description="Every S3 bucket has a bucket policy resource, which must deny requests made without TLS.",
    severity="high",
    topics=("encryption", "encryption-in-transit"),
    controls={
        "SOC2": ("CC6.7",),
        "ISO27001:2022": ("A.5.14", "A.8.20", "A.8.24"),
        "GDPR": ("Art.32",),
        "CIS-AWS-3.0": ("2.1.1",),
    },
    remediation=(
        "Declare an aws.s3.BucketPolicy with bucket=<bucket>.id whose policy denies s3:* to every principal "
        "on "
        "condition aws:SecureTransport=false."
    ),
)

BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    policies = BucketTargets([r for r in args.resources if r.resource_type == BUCKET_POLICY])
    for bucket in args.resources:
        if bucket.resource_type not in BUCKET_TYPES:
            continue
        if not policies.of(bucket):
            report_violation(
                f"S3 bucket '{bucket.name}' has no bucket policy, so it accepts requests without TLS; "
                "declare an "
                "aws.s3.BucketPolicy denying s3:* on condition aws:SecureTransport=false.",
                bucket.urn,
            )


POLICY = stack_policy(META, validate)
