"""aws-elasticache-replication-group-transit-encryption: replication groups require TLS.

`transit_encryption_mode="preferred"` still accepts plain connections (it exists only to migrate clients), so
it does not count as encryption in transit; absent, the mode is "required".
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

META = PolicyMeta(
    id="TF-AWS-ELASTICACHE-TLS-001",
    name="aws-elasticache-replication-group-transit-encryption",
    description="ElastiCache replication groups require TLS for every connection.",
    severity="high",
    topics=("encryption", "encryption-in-transit"),
    controls={
        "SOC2": ("CC6.7",),
        "ISO27001:2022": ("A.5.14", "A.8.20", "A.8.24"),
        "GDPR": ("Art.32",),
    },
    remediation=(
        "Set transit_encryption_enabled=True (and transit_encryption_mode='required' or leave it unset) on "
        "the "
        "aws.elasticache.ReplicationGroup."
    ),
)

KIND = "ElastiCache replication group"


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props, name = args.props, args.name
    for field, argument, literal in (
        ("transitEncryptionEnabled", "transit_encryption_enabled", "True"),
        ("transitEncryptionMode", "transit_encryption_mode", "'required'"),
    ):
        if is_unknown(props, field):
            report_violation(f"{KIND} '{name}': {argument} is not known during preview; set it to {literal} literally.")
            return
    if get(props, "transitEncryptionEnabled") is not True:
        report_violation(f"{KIND} '{name}' accepts unencrypted connections; set transit_encryption_enabled=True.")
    elif get(props, "transitEncryptionMode", default="required") != "required":
        report_violation(
            f"{KIND} '{name}' still accepts unencrypted connections (transit_encryption_mode="
            f"'{get(props, 'transitEncryptionMode')}'); set transit_encryption_mode='required'."
        )


POLICY = resource_policy(META, validate, resource_types=("aws:elasticache/replicationGroup:ReplicationGroup",))
