"""aws-fis-experiment-template-stop-condition: every FIS experiment template stops on a CloudWatch alarm.

An experiment without a stop condition (`source: none`) keeps injecting its fault while customers feel it. Every
stop condition must be a CloudWatch alarm (the SLO burn-rate alarms, components/delivery/slo_alarms.py) and there
must be at least one.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.props import as_list, unknown_itself

ALARM_SOURCE = "aws:cloudwatch:alarm"
META = PolicyMeta(
    id="TF-AWS-FIS-001",
    name="aws-fis-experiment-template-stop-condition",
    description="Every FIS experiment template has at least one stop condition, and every stop condition is a "
    "CloudWatch alarm (never none).",
    severity="high",
    topics=("resilience", "chaos-engineering"),
    controls={"SOC2": ("A1.3",), "ISO27001:2022": ("A.5.30",), "NIST-800-53": ("CP-4",)},
    remediation="Set stop_conditions to source 'aws:cloudwatch:alarm' with the ARN of each SLO burn-rate alarm the "
    "experiment could trip.",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    if unknown_itself(props, "stopConditions"):
        report_violation(f"FIS experiment template '{args.name}': stop conditions are not known during preview.")
        return
    conditions = as_list(get(props, "stopConditions", default=[]))
    if not conditions:
        report_violation(
            f"FIS experiment template '{args.name}' has no stop condition; stop it on the SLO burn-rate alarms."
        )
        return
    for index in range(len(conditions)):
        if is_unknown(conditions[index], "source"):
            report_violation(
                f"FIS experiment template '{args.name}': stop_conditions[{index}].source is not known during preview."
            )
            continue
        source = get(conditions[index], "source")
        if source != ALARM_SOURCE:
            report_violation(
                f"FIS experiment template '{args.name}' has stop condition {source!r}; "
                f"use source '{ALARM_SOURCE}' with an SLO burn-rate alarm."
            )
        elif not is_unknown(conditions[index], "value") and not get(conditions[index], "value"):
            report_violation(
                f"FIS experiment template '{args.name}': stop_conditions[{index}] names no alarm; set value to the "
                "alarm's ARN."
            )


POLICY = resource_policy(META, validate, resource_types=("aws:fis/experimentTemplate:ExperimentTemplate",))
