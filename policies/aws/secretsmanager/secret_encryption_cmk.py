"""aws-secretsmanager-secret-encryption-cmk: Secrets are encrypted with a customer-managed key.

Secrets Manager always encrypts secrets (with aws/secretsmanager by default), so public
and internal secrets pass.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, resource_policy
from policies.lib.encryption import require_cmk

META = PolicyMeta(
    id="TF-AWS-SECRETSMANAGER-ENC-001",
    name="aws-secretsmanager-secret-encryption-cmk",
    description=(
        "Secrets Manager secrets holding data not classified public or internal are encrypted with a "
        "customer-managed KMS key."
    ),
    severity="high",
    topics=("encryption", "data-protection"),
    controls={"SOC2": ("CC6.1",), "ISO27001:2022": ("A.8.24",), "GDPR": ("Art.32",)},
    remediation="Set kms_key_id to the cell's data key on the aws.secretsmanager.Secret.",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    require_cmk(args, report_violation, kind="Secrets Manager secret", path=("kmsKeyId",), argument="kms_key_id")


POLICY = resource_policy(META, validate, resource_types=("aws:secretsmanager/secret:Secret",))
