"""aws-cloudwatch-log-group-encryption-cmk: log groups with confidential data use a customer key.

CloudWatch Logs always encrypts log data at rest with a service key, so public and internal log groups pass.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, resource_policy
from policies.lib.encryption import require_cmk

META = PolicyMeta(
    id="TF-AWS-CLOUDWATCH-ENC-001",
    name="aws-cloudwatch-log-group-encryption-cmk",
    description=(
        "CloudWatch log groups holding data not classified public or internal are encrypted with a "
        "customer-managed KMS key."
    ),
    severity="high",
    topics=("encryption", "data-protection"),
    controls={"SOC2": ("CC6.1",), "ISO27001:2022": ("A.8.24",), "GDPR": ("Art.32",)},
    remediation="Set kms_key_id to the ARN of the cell's data key on the aws.cloudwatch.LogGroup.",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    require_cmk(args, report_violation, kind="CloudWatch log group", path=("kmsKeyId",), argument="kms_key_id")


POLICY = resource_policy(META, validate, resource_types=("aws:cloudwatch/logGroup:LogGroup",))
