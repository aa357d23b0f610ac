"""aws-cloudwatch-alarm-actions-enabled: every CloudWatch alarm acts when it goes into ALARM.

A metric or composite alarm must have `actions_enabled` (the default) and at least one `alarm_actions` entry, or
be watched by what acts on it: a composite alarm's rule, an AppConfig environment monitor (which rolls a
deployment back) or an FIS stop condition (which stops an experiment), each referencing the alarm. An alarm that
changes state while nothing notifies anyone or acts is an alert nobody receives. Whether the action's topic
reaches a person is `aws-sns-alert-topic-subscribed`'s to judge. A value not known during preview is reported
(an unknown entry inside the list is a topic still to be created, and counts).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, stack_policy
from policies.lib.props import unknown_itself

META = PolicyMeta(
    id="TF-AWS-CW-ALM-001",
    name="aws-cloudwatch-alarm-actions-enabled",
    description=(
        "Every CloudWatch alarm has its actions enabled and an action on ALARM, or is watched by a composite "
        "alarm, an AppConfig monitor or an FIS stop condition."
    ),
    severity="high",
    topics=("incident-response", "monitoring"),
    controls={"SOC2": ("CC7.2", "CC7.3"), "ISO27001:2022": ("A.5.25", "A.8.16")},
    remediation="Set actions_enabled=True and alarm_actions=[the ARN of the cell's on-call topic for the alarm's domain].",
)

KINDS = {
    "aws:cloudwatch/metricAlarm:MetricAlarm": "CloudWatch alarm",
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": "CloudWatch composite alarm",
}
WATCHERS = {
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": "alarmRule",
    "aws:appconfig/environment:Environment": "monitors",
    "aws:fis/experimentTemplate:ExperimentTemplate": "stopConditions",
}
"""Resource type -> the property through which it acts on the alarms it references."""


def watched(resources: Sequence[Any]) -> set[str]:
    """URNs of the alarms a composite alarm, an AppConfig monitor or an FIS stop condition references."""
    urns: set[str] = set()
    for resource in resources:
        prop = WATCHERS.get(resource.resource_type)
        if prop is not None:
            urns.update(dependency.urn for dependency in resource.property_dependencies.get(prop, []))
    return urns


def judge(alarm: Any, is_watched: bool, report_violation: ReportViolation) -> None:
    kind = KINDS[alarm.resource_type]
    props = alarm.props
    if is_watched:
        return
    if unknown_itself(props, "actionsEnabled"):
        report_violation(
            f"{kind} '{alarm.name}': actions_enabled is not known during preview; set it to True.", alarm.urn
        )
        return
    if get(props, "actionsEnabled") is False:
        report_violation(f"{kind} '{alarm.name}' has its actions disabled; set actions_enabled=True.", alarm.urn)
        return
    if unknown_itself(props, "alarmActions"):
        report_violation(
            f"{kind} '{alarm.name}': alarm_actions is not known during preview; list the on-call topic literally.",
            alarm.urn,
        )
        return
    if not get(props, "alarmActions", default=[]):
        report_violation(
            f"{kind} '{alarm.name}' notifies nobody on ALARM; add the cell's on-call topic to alarm_actions.",
            alarm.urn,
        )


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    resources: Sequence[Any] = list(args.resources)
    watched_urns = watched(resources)
    for resource in resources:
        if resource.resource_type in KINDS:
            judge(resource, resource.urn in watched_urns, report_violation)


POLICY = stack_policy(META, validate)
