"""aws-rds-instance-not-public: no RDS instance is reachable from the internet.

`publicly_accessible` on `aws.rds.Instance` and `aws.rds.ClusterInstance` (Aurora) must not be true (AWS defaults
to false); a value not known during preview is reported as unproven.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

META = PolicyMeta(
    id="TF-AWS-RDS-PUB-001",
    name="aws-rds-instance-not-public",
    description="No RDS or Aurora database instance is publicly accessible.",
    severity="critical",
    topics=("exposure", "network", "database"),
    controls={
        "SOC2": ("CC6.1", "CC6.6"),
        "ISO27001:2022": ("A.8.20", "A.8.22"),
        "GDPR": ("Art.32",),
        "CIS-AWS-3.0": ("2.3.3",),
    },
    remediation="Set publicly_accessible=False and reach the database through private subnets.",
)

KINDS = {
    "aws:rds/instance:Instance": "RDS instance",
    "aws:rds/clusterInstance:ClusterInstance": "Aurora instance",
}


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    kind = KINDS[args.resource_type]
    if is_unknown(args.props, "publiclyAccessible"):
        report_violation(
            f"{kind} '{args.name}': publicly_accessible is not known during preview; set it to False literally."
        )
        return
    if get(args.props, "publiclyAccessible") is True:
        report_violation(
            f"{kind} '{args.name}' is publicly accessible; set publicly_accessible=False and reach it through "
            "private subnets."
        )


POLICY = resource_policy(META, validate, resource_types=tuple(KINDS))
