"""aws-appconfig-environment-alarm-monitor: every AppConfig environment is watched by at least one CloudWatch alarm,
so a deployment that degrades a service rolls back by itself."""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, is_unknown, resource_policy
from policies.lib.props import as_list, unknown_itself

META = PolicyMeta(
    id="TF-AWS-APPCONFIG-001",
    name="aws-appconfig-environment-alarm-monitor",
    description="Every AppConfig environment that receives deployments has at least one CloudWatch alarm monitor.",
    severity="high",
    topics=("change-management", "progressive-delivery"),
    controls={"SOC2": ("CC8.1",), "ISO27001:2022": ("A.8.32",), "NIST-800-53": ("CM-3",)},
    remediation="Add monitors=[EnvironmentMonitorArgs(alarm_arn=<the service's SLO burn-rate alarm>)] to the "
    "aws.appconfig.Environment.",
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    if unknown_itself(props, "monitors"):
        report_violation(
            f"AppConfig environment '{args.name}': monitors are not known during preview; declare them literally."
        )
        return
    monitors = as_list(get(props, "monitors", default=[]))
    with_alarm = 0
    for index in range(len(monitors)):
        if is_unknown(monitors[index], "alarmArn"):
            with_alarm += 1  # an alarm declared by the program, its ARN known after creation
        elif get(monitors[index], "alarmArn"):
            with_alarm += 1
    if with_alarm == 0:
        report_violation(
            f"AppConfig environment '{args.name}' has no alarm monitor, so a bad deployment is never rolled back; "
            "add monitors with the service's SLO burn-rate alarms."
        )


POLICY = resource_policy(META, validate, resource_types=("aws:appconfig/environment:Environment",))
