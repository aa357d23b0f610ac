"""aws-elasticache-replication-group-at-rest-encryption: ElastiCache encrypts at rest, CMK if confidential."""

from __future__ import annotations

from policies.base import PolicyMeta, resource_policy
from policies.lib.encryption import flag_and_cmk_validator

META = PolicyMeta(
    id="TF-AWS-ELASTICACHE-ENC-001",
    name="aws-elasticache-replication-group-at-rest-encryption",
    description=(
        "ElastiCache replication groups are encrypted at rest, with a customer-managed KMS key unless "
        "classified public or internal."
    ),
    severity="high",
    topics=("encryption", "data-protection"),
    controls={
        "SOC2": ("CC6.1",),
        "ISO27001:2022": ("A.8.24",),
        "GDPR": ("Art.32",),
    },
    remediation=(
        "Set at_rest_encryption_enabled=True and kms_key_id to the cell's data key on the "
        "aws.elasticache.ReplicationGroup."
    ),
)

KIND = "ElastiCache replication group"


validate = flag_and_cmk_validator(
    KIND, flag_path=("atRestEncryptionEnabled",), flag_argument="at_rest_encryption_enabled"
)


POLICY = resource_policy(META, validate, resource_types=("aws:elasticache/replicationGroup:ReplicationGroup",))
