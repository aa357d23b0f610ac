"""aws-redshift-cluster-encrypted: Redshift clusters are encrypted at rest, confidential data with a CMK."""

from __future__ import annotations

from policies.base import PolicyMeta, resource_policy
from policies.lib.encryption import flag_and_cmk_validator

META = PolicyMeta(
    id="TF-AWS-REDSHIFT-ENC-001",
    name="aws-redshift-cluster-encrypted",
    description=(
        "Redshift clusters are encrypted at rest, with a customer-managed KMS key unless classified public or internal."
    ),
    severity="high",
    topics=("encryption", "data-protection"),
    controls={
        "SOC2": ("CC6.1",),
        "ISO27001:2022": ("A.8.24",),
        "GDPR": ("Art.32",),
    },
    remediation=(
        "Set encrypted='true' (the provider types it as a string) and kms_key_id to the cell's data key on "
        "the aws.redshift.Cluster."
    ),
)

KIND = "Redshift cluster"


validate = flag_and_cmk_validator(
    KIND, flag_path=("encrypted",), flag_argument="encrypted", default=True, literal="'true'"
)


POLICY = resource_policy(META, validate, resource_types=("aws:redshift/cluster:Cluster",))
