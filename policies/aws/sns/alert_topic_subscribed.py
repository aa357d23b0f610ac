"""aws-sns-alert-topic-subscribed: every SNS topic alerts are sent to has a subscriber that needs no human to
confirm it.

A topic is an alert topic when an EventBridge target delivers to it or a CloudWatch alarm (metric or composite)
names it among its actions, by reference or by its literal ARN. Such a topic needs a subscription that AWS
delivers to without a pending confirmation: `https` with `endpoint_auto_confirms=True` (PagerDuty's CloudWatch
integration confirms itself), `lambda`, `sqs`, `firehose` or `application`. `email` and `sms` stay pending until
someone clicks or replies, and `http` is plain text: neither counts. A subscription whose protocol, topic or
confirmation is not known during preview cannot be proven and is reported when no other one proves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pulumi_policy import StackValidationArgs

from policies.base import PolicyMeta, ReportViolation, get, stack_policy
from policies.lib.props import as_list, unknown_itself
from policies.lib.residency import arn_resource_name, names_match

META = PolicyMeta(
    id="TF-AWS-SNS-002",
    name="aws-sns-alert-topic-subscribed",
    description="Every SNS topic that EventBridge rules or CloudWatch alarms alert to has a confirmed subscriber.",
    severity="high",
    topics=("incident-response", "monitoring"),
    controls={
        "SOC2": ("CC7.2", "CC7.3", "CC7.4"),
        "ISO27001:2022": ("A.5.24", "A.5.25", "A.5.26", "A.8.16"),
    },
    remediation=(
        "Subscribe the topic to the on-call's PagerDuty service (aws.sns.TopicSubscription with protocol https, "
        "the integration's endpoint and endpoint_auto_confirms=True), or to a Lambda or SQS consumer."
    ),
)

TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
SENDERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "aws:cloudwatch/eventTarget:EventTarget": ("EventBridge target", ("arn",)),
    "aws:cloudwatch/metricAlarm:MetricAlarm": (
        "CloudWatch alarm",
        ("alarmActions", "okActions", "insufficientDataActions"),
    ),
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": (
        "CloudWatch alarm",
        ("alarmActions", "okActions", "insufficientDataActions"),
    ),
}
CONFIRMED = ("https", "lambda", "sqs", "firehose", "application")
UNKNOWN: Any = object()


def refers(resource: Any, prop: str, topic: Any) -> Any:
    """True when `prop` of `resource` names the topic (by reference or literal ARN); UNKNOWN when it cannot be
    told; False otherwise."""
    if any(dependency.urn == topic.urn for dependency in resource.property_dependencies.get(prop, [])):
        return True
    if unknown_itself(resource.props, prop):
        return UNKNOWN
    value = get(resource.props, prop)
    entries = as_list(value)
    unknown = False
    for index in range(len(entries)):
        if unknown_itself(entries, index):
            unknown = True
            continue
        entry = entries[index]
        if (
            isinstance(entry, str)
            and entry.startswith("arn:aws:sns:")
            and names_match(arn_resource_name(entry), topic, ("name",))
        ):
            return True
    return UNKNOWN if unknown and resource.resource_type == SUBSCRIPTION else False


def confirmed(subscription: Any) -> Any:
    """True when AWS delivers to the subscription without a pending confirmation; UNKNOWN when not known."""
    props = subscription.props
    if unknown_itself(props, "protocol"):
        return UNKNOWN
    protocol = str(get(props, "protocol", default="")).lower()
    if protocol not in CONFIRMED:
        return False
    if protocol != "https":
        return True
    if unknown_itself(props, "endpointAutoConfirms"):
        return UNKNOWN
    return get(props, "endpointAutoConfirms") is True


def senders_of(topic: Any, resources: Sequence[Any]) -> list[str]:
    names = []
    for resource in resources:
        if resource.resource_type not in SENDERS:
            continue
        kind, props = SENDERS[resource.resource_type]
        if any(refers(resource, prop, topic) is True for prop in props):
            names.append(f"{kind} '{resource.name}'")
    return names


def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    resources: Sequence[Any] = list(args.resources)
    subscriptions = [r for r in resources if r.resource_type == SUBSCRIPTION]
    for topic in resources:
        if topic.resource_type != TOPIC:
            continue
        senders = senders_of(topic, resources)
        if not senders:
            continue
        results = []
        for subscription in subscriptions:
            reach = refers(subscription, "topic", topic)
            if reach is False:
                continue
            result = confirmed(subscription)
            results.append(UNKNOWN if reach is UNKNOWN and result is not False else result)
        if True in results:
            continue
        shown = ", ".join(sorted(senders)[:3]) + (" and others" if len(senders) > 3 else "")
        if UNKNOWN in results:
            report_violation(
                f"SNS topic '{topic.name}' receives alerts ({shown}) but its subscription's topic, protocol or "
                "confirmation is not known during preview; subscribe it literally (protocol https with "
                "endpoint_auto_confirms=True, lambda or sqs).",
                topic.urn,
            )
            continue
        report_violation(
            f"SNS topic '{topic.name}' receives alerts ({shown}) but no confirmed subscription delivers them to "
            "anyone; subscribe the on-call's PagerDuty endpoint (protocol https, endpoint_auto_confirms=True).",
            topic.urn,
        )


POLICY = stack_policy(META, validate)
