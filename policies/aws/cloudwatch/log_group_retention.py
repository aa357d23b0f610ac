"""aws-cloudwatch-log-group-retention: CloudWatch log groups keep their events for at least a year.

`retention_in_days` must be at least `minimumDays` (default 365, floor 365); absent or 0 means never expire,
which passes. A value not known during preview is reported.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy

META = PolicyMeta(
    id="TF-AWS-CW-RET-001",
    name="aws-cloudwatch-log-group-retention",
    description="CloudWatch log groups retain events for at least the configured number of days or forever.",
    severity="medium",
    topics=("logging", "retention"),
    controls={"SOC2": ("CC7.2",), "ISO27001:2022": ("A.8.15", "A.5.33"), "GDPR": ("Art.5(2)",)},
    remediation="Set retention_in_days to at least 365 (or leave it unset to keep events forever).",
    config_schema={
        "minimumDays": {
            "type": "integer",
            "minimum": 1,
            "default": 365,
            "description": "Minimum log retention, in days (0 or unset on a log group means never expire).",
        }
    },
    floors={"minimumDays": 365},
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    minimum = int(args.get_config().get("minimumDays", 365))
    if is_unknown(args.props, "retentionInDays"):
        report_violation(
            f"CloudWatch log group '{args.name}': retention_in_days is not known during preview; set it literally "
            f"to at least {minimum}."
        )
        return
    days = get(args.props, "retentionInDays", default=0)
    if isinstance(days, (int, float)) and 0 < days < minimum:
        report_violation(
            f"CloudWatch log group '{args.name}' keeps events for {int(days)} days; set retention_in_days to at "
            f"least {minimum}."
        )


POLICY = resource_policy(META, validate, resource_types=("aws:cloudwatch/logGroup:LogGroup",))
