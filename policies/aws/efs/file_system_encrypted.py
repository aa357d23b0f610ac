"""aws-efs-file-system-encrypted: EFS file systems are encrypted at rest, confidential data with a CMK."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies._helpers_encryption import require_cmk, require_enabled
from policies.base import PolicyMeta, resource_policy

META = PolicyMeta(
    id="TF-AWS-EFS-ENC-001",
    name="aws-efs-file-system-encrypted",
    description=(
        "EFS file systems are encrypted at rest, with a customer-managed KMS key unless classified public or internal."
    ),
    severity="high",
    topics=("encryption", "data-protection"),
    controls={
        "SOC2": ("CC6.1",),
        "ISO27001:2022": ("A.8.24",),
        "GDPR": ("Art.32",),
        "CIS-AWS-3.0": ("2.4.1",),
    },
    remediation="Set encrypted=True and kms_key_id to the cell's data key on the aws.efs.FileSystem.",
)

KIND = "EFS file system"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if require_enabled(
        args,
        report_violation,
        kind=KIND,
        path=("encrypted",),
        argument="encrypted",
        key_argument="kms_key_id",
    ):
        require_cmk(args, report_violation, kind=KIND, path=("kmsKeyId",), argument="kms_key_id")


POLICY = resource_policy(META, validate, resource_types=("aws:efs/fileSystem:FileSystem",))
