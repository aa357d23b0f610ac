"""aws-docdb-cluster-storage-encrypted: DocumentDB clusters encrypt storage, confidential data with a CMK."""

from __future__ import annotations

from policies.base import PolicyMeta, resource_policy
from policies.lib.encryption import flag_and_cmk_validator

META = PolicyMeta(
    id="TF-AWS-DOCDB-ENC-001",
    name="aws-docdb-cluster-storage-encrypted",
    description=(
        "DocumentDB clusters encrypt their storage at rest, with a customer-managed KMS key unless "
        "classified public or internal."
    ),
    severity="high",
    topics=("encryption", "data-protection"),
    controls={
        "SOC2": ("CC6.1",),
        "ISO27001:2022": ("A.8.24",),
        "GDPR": ("Art.32",),
    },
    remediation="Set storage_encrypted=True and kms_key_id to the cell's data key on the aws.docdb.Cluster.",
)

KIND = "DocumentDB cluster"


validate = flag_and_cmk_validator(KIND, flag_path=("storageEncrypted",), flag_argument="storage_encrypted")


POLICY = resource_policy(META, validate, resource_types=("aws:docdb/cluster:Cluster",))
