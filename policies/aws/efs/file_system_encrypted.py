"""aws-efs-file-system-encrypted: EFS file systems are encrypted at rest, confidential data with a CMK."""

from __future__ import annotations

from policies.base import PolicyMeta, resource_policy
from policies.lib.encryption import flag_and_cmk_validator

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


validate = flag_and_cmk_validator(KIND, flag_path=("encrypted",), flag_argument="encrypted")


POLICY = resource_policy(META, validate, resource_types=("aws:efs/fileSystem:FileSystem",))
