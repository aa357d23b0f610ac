"""aws-s3-bucket-sse-kms-cmk: S3 default encryption of confidential data is SSE-KMS with a customer key.

Judged on the `aws.s3.BucketServerSideEncryptionConfiguration` resource (pulumi-aws 7: the bucket's encryption
is its own resource). That resource carries no tags, so its classification is its provider's default tags
(the cell's); with none it is treated as confidential. Public and internal data may use SSE-S3 (AES256).
That every bucket has such a resource is the stack policy aws-s3-bucket-encryption-configured.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.encryption import cmk_problem, requires_cmk, scope_label
from policies.lib.props import unknown_itself

META = PolicyMeta(
    id="TF-AWS-S3-ENC-001",
    name="aws-s3-bucket-sse-kms-cmk",
    description=(
        "S3 bucket default encryption is SSE-KMS with a customer-managed key unless the data is classified "
        "public or internal."
    ),
    severity="high",
    topics=("encryption", "data-protection"),
    controls={"SOC2": ("CC6.1",), "ISO27001:2022": ("A.8.24",), "GDPR": ("Art.32",)},
    remediation=(
        "Set rules[].apply_server_side_encryption_by_default to sse_algorithm='aws:kms' with "
        "kms_master_key_id "
        "set to the cell's data key on the aws.s3.BucketServerSideEncryptionConfiguration."
    ),
)

KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
KIND = "S3 encryption configuration"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props, name = args.props, args.name
    if unknown_itself(props, "rules"):
        report_violation(f"{KIND} '{name}': rules are not known during preview; declare them literally.")
        return
    rules = get(props, "rules", default=[])
    if not rules:
        report_violation(f"{KIND} '{name}' has no rules; add one with apply_server_side_encryption_by_default.")
        return
    cmk_scope = requires_cmk(args)
    for index, rule in enumerate(rules):
        prefix = f"rules[{index}].apply_server_side_encryption_by_default"
        if is_unknown(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm"):
            report_violation(
                f"{KIND} '{name}': {prefix}.sse_algorithm is not known during preview; set it to 'aws:kms' literally."
            )
            continue
        algorithm = get(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm")
        if algorithm is None:
            report_violation(f"{KIND} '{name}' sets no {prefix}; set sse_algorithm='aws:kms' and kms_master_key_id.")
            continue
        if not cmk_scope:
            continue  # SSE-S3 and AWS-managed SSE-KMS both encrypt public and internal data at rest.
        if algorithm not in KMS_ALGORITHMS:
            report_violation(
                f"{KIND} '{name}' uses {algorithm} for {scope_label(args)}; set "
                f"{prefix}.sse_algorithm='aws:kms' "
                "and kms_master_key_id to the cell's data key."
            )
            continue
        problem = cmk_problem(
            rule,
            ("applyServerSideEncryptionByDefault", "kmsMasterKeyId"),
            f"{prefix}.kms_master_key_id",
            scope_label(args),
        )
        if problem is not None:
            report_violation(f"{KIND} '{name}' {problem}")


POLICY = resource_policy(
    META,
    validate,
    resource_types=(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    ),
)
