"""aws-sns-topic-encrypted: SNS topics are encrypted at rest, confidential data with a customer-managed key.

SNS does not encrypt topics unless a KMS key is named; public and internal topics may name alias/aws/sns.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.encryption import require_cmk, requires_cmk

META = PolicyMeta(
    id="TF-AWS-SNS-ENC-001",
    name="aws-sns-topic-encrypted",
    description=(
        "SNS topics are encrypted at rest, with a customer-managed KMS key unless classified public or internal."
    ),
    severity="high",
    topics=("encryption", "data-protection"),
    controls={"SOC2": ("CC6.1",), "ISO27001:2022": ("A.8.24",), "GDPR": ("Art.32",)},
    remediation="Set kms_master_key_id to the cell's data key on the aws.sns.Topic.",
)

KIND = "SNS topic"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if requires_cmk(args):
        require_cmk(args, report_violation, kind=KIND, path=("kmsMasterKeyId",), argument="kms_master_key_id")
        return
    props = args.props
    if is_unknown(props, "kmsMasterKeyId"):
        report_violation(
            f"SNS topic '{args.name}': kms_master_key_id is not known during preview; set it to a KMS key literally."
        )
    elif not get(props, "kmsMasterKeyId"):
        report_violation(
            f"SNS topic '{args.name}' is not encrypted at rest; set kms_master_key_id "
            "(the cell's data key, or alias/aws/sns for public and internal data)."
        )


POLICY = resource_policy(META, validate, resource_types=("aws:sns/topic:Topic",))
