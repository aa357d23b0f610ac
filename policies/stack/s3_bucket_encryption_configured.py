"""aws-s3-bucket-encryption-configured: S3 buckets with confidential data have an encryption resource.

S3 encrypts every new object with SSE-S3 even without configuration, which is enough for public and internal
data; any other bucket (classification confidential, restricted, missing or unknown) needs an
`aws.s3.BucketServerSideEncryptionConfiguration` targeting it, whose content the resource policy
aws-s3-bucket-sse-kms-cmk judges. The deprecated inline `server_side_encryption_configuration` does not count.
"""

from __future__ import annotations

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, stack_policy
from policies.lib.encryption import requires_cmk, scope_label
from policies.lib.s3 import BUCKET_TYPES, BucketTargets

META = PolicyMeta(
    id="TF-AWS-S3-ENC-002",
    name="aws-s3-bucket-encryption-configured",
    description=(
        "Every S3 bucket not classified public or internal has a server-side encryption configuration resource."
    ),
    severity="high",
    topics=("encryption", "data-protection"),
    controls={"SOC2": ("CC6.1",), "ISO27001:2022": ("A.8.24",), "GDPR": ("Art.32",)},
    remediation=(
        "Declare an aws.s3.BucketServerSideEncryptionConfiguration with bucket=<bucket>.id, "
        "sse_algorithm='aws:kms' "
        "and kms_master_key_id set to the cell's data key."
    ),
)

CONFIGURATION_TYPES = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    configurations = BucketTargets([r for r in args.resources if r.resource_type in CONFIGURATION_TYPES])
    for bucket in args.resources:
        if bucket.resource_type not in BUCKET_TYPES or not requires_cmk(bucket):
            continue
        if not configurations.of(bucket):
            report_violation(
                f"S3 bucket '{bucket.name}' holds {scope_label(bucket)} but no server-side encryption "
                "configuration targets it; declare an aws.s3.BucketServerSideEncryptionConfiguration with "
                "bucket=<bucket>.id, sse_algorithm='aws:kms' and the cell's data key.",
                bucket.urn,
            )


POLICY = stack_policy(META, validate)
