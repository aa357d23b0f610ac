"""aws-rds-backup-retention: RDS instances and clusters keep automated backups for at least a week.

`backup_retention_period` on `aws.rds.Instance` and `aws.rds.Cluster` must be at least `minimumDays` (default 7,
floor 7); absent means the AWS default of 1 day for instances and clusters, which fails. Read replicas (instances
with `replicate_source_db`) take their backups from their source and are skipped. A value not known during
preview is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

META = PolicyMeta(
    id="TF-AWS-RDS-BAK-001",
    name="aws-rds-backup-retention",
    description="RDS instances and clusters retain automated backups for at least the configured number of days.",
    severity="high",
    topics=("resilience", "backup", "database"),
    controls={"SOC2": ("A1.2",), "ISO27001:2022": ("A.8.13",), "GDPR": ("Art.32(1)(c)",)},
    remediation="Set backup_retention_period to at least 7 days (35 is the maximum).",
    config_schema={
        "minimumDays": {
            "type": "integer",
            "minimum": 1,
            "maximum": 35,
            "default": 7,
            "description": "Minimum automated backup retention, in days.",
        }
    },
    floors={"minimumDays": 7},
)

KINDS = {"aws:rds/instance:Instance": "RDS instance", "aws:rds/cluster:Cluster": "RDS cluster"}
AWS_DEFAULT_DAYS = 1


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    kind = KINDS[args.resource_type]
    props = args.props
    if args.resource_type == "aws:rds/instance:Instance" and (
        is_unknown(props, "replicateSourceDb") or get(props, "replicateSourceDb")
    ):
        return  # a read replica's backups are its source's
    minimum = int(args.get_config().get("minimumDays", 7))
    if is_unknown(props, "backupRetentionPeriod"):
        report_violation(
            f"{kind} '{args.name}': backup_retention_period is not known during preview; set it literally to at "
            f"least {minimum} days."
        )
        return
    days = get(props, "backupRetentionPeriod", default=AWS_DEFAULT_DAYS)
    if not isinstance(days, (int, float)) or days < minimum:
        shown = f"{int(days)} day(s)" if isinstance(days, (int, float)) else repr(days)
        report_violation(
            f"{kind} '{args.name}' keeps automated backups for {shown}; set backup_retention_period to at least "
            f"{minimum}."
        )


POLICY = resource_policy(META, validate, resource_types=tuple(KINDS))
