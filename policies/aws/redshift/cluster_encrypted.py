"""aws-redshift-cluster-encrypted: Redshift clusters are encrypted at rest, confidential data with a CMK."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policies._helpers_encryption import require_cmk, require_enabled
from policies.base import PolicyMeta, resource_policy

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


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if require_enabled(
        args,
        report_violation,
        kind=KIND,
        path=("encrypted",),
        argument="encrypted",
        key_argument="kms_key_id",
        default=True,
        literal="'true'",
    ):
        require_cmk(args, report_violation, kind=KIND, path=("kmsKeyId",), argument="kms_key_id")


POLICY = resource_policy(META, validate, resource_types=("aws:redshift/cluster:Cluster",))
