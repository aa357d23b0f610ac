"""The alarm on a dead-letter queue's depth: one definition for every component that keeps one.

A message in a dead-letter queue is work that was never done (a schedule that could not start its target, feedback
that could not be delivered), so the alarm fires on the first one: the queue's `ApproximateNumberOfMessagesVisible`
(Maximum over 5 minutes) above 0. An empty or idle queue publishes no datum, which is not breaching.

Usage::

    dead_letter_depth_alarm(
        f"{name}-dlq-depth",
        alarm_name=f"{prefix}-undeliverable",
        description="A feedback message failed delivery (runbooks/model-drift-alert.md)",
        queue_name=dead_letters.name,
        alarm_actions=[alert_topic_arn],
        opts=pulumi.ResourceOptions(parent=self),
    )
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

DEPTH_METRIC = "ApproximateNumberOfMessagesVisible"
PERIOD_SECONDS = 300


def dead_letter_depth_alarm(
    resource_name: str,
    *,
    alarm_name: pulumi.Input[str],
    description: pulumi.Input[str],
    queue_name: pulumi.Input[str],
    alarm_actions: Sequence[pulumi.Input[str]],
    opts: pulumi.ResourceOptions,
) -> aws.cloudwatch.MetricAlarm:
    """An alarm notifying `alarm_actions` as soon as one message is visible in the dead-letter queue."""
    return aws.cloudwatch.MetricAlarm(
        resource_name,
        name=alarm_name,
        alarm_description=description,
        namespace="AWS/SQS",
        metric_name=DEPTH_METRIC,
        dimensions={"QueueName": queue_name},
        statistic="Maximum",
        period=PERIOD_SECONDS,
        evaluation_periods=1,
        threshold=0,
        comparison_operator="GreaterThanThreshold",
        treat_missing_data="notBreaching",
        alarm_actions=list(alarm_actions),
        opts=opts,
    )
