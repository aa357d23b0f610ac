"""aws-rds-instance-storage-encrypted: RDS instances encrypt their storage, confidential data with a CMK."""

from __future__ import annotations

from policies.base import PolicyMeta, resource_policy
from policies.lib.encryption import flag_and_cmk_validator

META = PolicyMeta(
    id="TF-AWS-RDS-ENC-001",
    name="aws-rds-instance-storage-encrypted",
    description=(
        "RDS instances encrypt their storage at rest, with a customer-managed KMS key unless classified "
        "public or internal."
    ),
    severity="high",
    topics=("encryption", "data-protection"),
    controls={
        "SOC2": ("CC6.1",),
        "ISO27001:2022": ("A.8.24",),
        "GDPR": ("Art.32",),
        "CIS-AWS-3.0": ("2.3.1",),
    },
    remediation="Set storage_encrypted=True and kms_key_id to the cell's data key on the aws.rds.Instance.",
)

KIND = "RDS instance"


validate = flag_and_cmk_validator(KIND, flag_path=("storageEncrypted",), flag_argument="storage_encrypted")


POLICY = resource_policy(META, validate, resource_types=("aws:rds/instance:Instance",))
