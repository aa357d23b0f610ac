"""aws-cloudwatch-alarm-actions-enabled: every CloudWatch alarm acts when it goes into ALARM.

A metric or composite alarm must have `actions_enabled` (the default) and at least one `alarm_actions` entry:
an alarm that changes state without notifying anyone is an alert nobody receives. Whether the action's topic
reaches a person is `aws-sns-alert-topic-subscribed`'s to judge. A value not known during preview is reported
(an unknown entry inside the list is a topic still to be created, and counts).
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, resource_policy
from policies.lib.props import unknown_itself

META = PolicyMeta(
    id="TF-AWS-CW-ALM-001",
    name="aws-cloudwatch-alarm-actions-enabled",
    description="Every CloudWatch alarm has its actions enabled and at least one action on ALARM.",
    severity="high",
    topics=("incident-response", "monitoring"),
    controls={"SOC2": ("CC7.2", "CC7.3"), "ISO27001:2022": ("A.5.25", "A.8.16")},
    remediation="Set actions_enabled=True and alarm_actions=[the ARN of the cell's on-call topic for the alarm's domain].",
)

KINDS = {
    "aws:cloudwatch/metricAlarm:MetricAlarm": "CloudWatch alarm",
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": "CloudWatch composite alarm",
}


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    kind = KINDS[args.resource_type]
    props = args.props
    if unknown_itself(props, "actionsEnabled"):
        report_violation(f"{kind} '{args.name}': actions_enabled is not known during preview; set it to True.")
        return
    if get(props, "actionsEnabled") is False:
        report_violation(f"{kind} '{args.name}' has its actions disabled; set actions_enabled=True.")
        return
    if unknown_itself(props, "alarmActions"):
        report_violation(
            f"{kind} '{args.name}': alarm_actions is not known during preview; list the on-call topic literally."
        )
        return
    if not get(props, "alarmActions", default=[]):
        report_violation(
            f"{kind} '{args.name}' notifies nobody on ALARM; add the cell's on-call topic to alarm_actions."
        )


POLICY = resource_policy(META, validate, resource_types=tuple(KINDS))
