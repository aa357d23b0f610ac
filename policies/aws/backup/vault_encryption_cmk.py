"""aws-backup-vault-encryption-cmk: Backup vaults encrypt recovery points with a customer-managed key.

AWS Backup always encrypts a vault's recovery points (with aws/backup by default), so public and
internal vaults pass.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, resource_policy
from policies.lib.encryption import require_cmk

META = PolicyMeta(
    id="TF-AWS-BACKUP-ENC-001",
    name="aws-backup-vault-encryption-cmk",
    description=(
        "AWS Backup vaults holding data not classified public or internal encrypt recovery points with a "
        "customer-managed KMS key."
    ),
    severity="high",
    topics=("encryption", "data-protection"),
    controls={"SOC2": ("CC6.1",), "ISO27001:2022": ("A.8.24",), "GDPR": ("Art.32",)},
    remediation="Set kms_key_arn to the cell's backup key on the aws.backup.Vault.",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    require_cmk(args, report_violation, kind="Backup vault", path=("kmsKeyArn",), argument="kms_key_arn")


POLICY = resource_policy(META, validate, resource_types=("aws:backup/vault:Vault",))
