"""aws-sqs-queue-encrypted: SQS queues are encrypted at rest, confidential data with a customer-managed key.

Public and internal queues may use SQS-managed encryption (SSE-SQS, on by default for new queues) or the
AWS-managed key; turning SSE-SQS off without naming a KMS key leaves messages unencrypted.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.encryption import require_cmk, requires_cmk

META = PolicyMeta(
    id="TF-AWS-SQS-ENC-001",
    name="aws-sqs-queue-encrypted",
    description=(
        "SQS queues are encrypted at rest, with a customer-managed KMS key unless classified public or internal."
    ),
    severity="high",
    topics=("encryption", "data-protection"),
    controls={"SOC2": ("CC6.1",), "ISO27001:2022": ("A.8.24",), "GDPR": ("Art.32",)},
    remediation="Set kms_master_key_id to the cell's data key on the aws.sqs.Queue.",
)

KIND = "SQS queue"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if requires_cmk(args):
        require_cmk(args, report_violation, kind=KIND, path=("kmsMasterKeyId",), argument="kms_master_key_id")
        return
    props = args.props
    if is_unknown(props, "kmsMasterKeyId") or get(props, "kmsMasterKeyId"):
        return  # a KMS key (even the AWS-managed alias/aws/sqs) encrypts the queue
    if is_unknown(props, "sqsManagedSseEnabled"):
        report_violation(
            f"SQS queue '{args.name}': sqs_managed_sse_enabled is not known during preview; set it to True literally."
        )
    elif get(props, "sqsManagedSseEnabled") is False:
        report_violation(
            f"SQS queue '{args.name}' is not encrypted at rest; set sqs_managed_sse_enabled=True or kms_master_key_id."
        )


POLICY = resource_policy(META, validate, resource_types=("aws:sqs/queue:Queue",))
