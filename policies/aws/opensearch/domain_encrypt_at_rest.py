"""aws-opensearch-domain-encrypt-at-rest: OpenSearch domains encrypt at rest, confidential data with a CMK."""

from __future__ import annotations

from policies.base import PolicyMeta, resource_policy
from policies.lib.encryption import flag_and_cmk_validator

META = PolicyMeta(
    id="TF-AWS-OPENSEARCH-ENC-001",
    name="aws-opensearch-domain-encrypt-at-rest",
    description=(
        "OpenSearch domains are encrypted at rest, with a customer-managed KMS key unless classified public "
        "or internal."
    ),
    severity="high",
    topics=("encryption", "data-protection"),
    controls={
        "SOC2": ("CC6.1",),
        "ISO27001:2022": ("A.8.24",),
        "GDPR": ("Art.32",),
    },
    remediation=(
        "Set encrypt_at_rest.enabled=True and encrypt_at_rest.kms_key_id to the cell's data key on the "
        "aws.opensearch.Domain."
    ),
)

KIND = "OpenSearch domain"


validate = flag_and_cmk_validator(
    KIND,
    flag_path=("encryptAtRest", "enabled"),
    flag_argument="encrypt_at_rest.enabled",
    key_path=("encryptAtRest", "kmsKeyId"),
    key_argument="encrypt_at_rest.kms_key_id",
)


POLICY = resource_policy(
    META,
    validate,
    resource_types=(
        "aws:opensearch/domain:Domain",
        "aws:elasticsearch/domain:Domain",
    ),
)
