"""Feedback queues of a cell: user corrections, autopilot overrides and compliance feedback, feeding labeling.

Each kind (`KINDS`) is an SQS queue `trustfabric-<stack>-<cell>-feedback-<kind>` encrypted with the cell's data
key (the feedback quotes customer documents), kept 14 days, with a dead-letter queue (same key) after
`max_receive_count` failed deliveries, and an alarm on the dead-letter queue's depth notifying the cell's model
alert topic (runbooks/model-drift-alert.md, "feedback backlog"). The labeling jobs read the queues; what they label
lands in the lineage store's `training/` prefix, where the retraining pipeline reads it.

Usage::

    FeedbackQueues(
        "uk-feedback",
        FeedbackQueuesArgs(stack="prod", cell="uk", jurisdiction="UK", region="eu-west-2",
                           kms_key_arn=key_arns["data-restricted"], alert_topic_arn=pipelines.alert_topic_arn),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.observability.queue_alarms import dead_letter_depth_alarm
from components.validation import require_jurisdiction, require_range, require_region_in_jurisdiction
from domain.naming import role_name

KINDS = ("user-corrections", "autopilot-overrides", "compliance-feedback")
RETENTION_SECONDS = 14 * 24 * 3600
"""SQS's maximum: labeling may pause for a holiday without losing feedback."""


@dataclass(frozen=True)
class FeedbackQueuesArgs:
    """Arguments of a cell's feedback queues."""

    stack: str
    cell: str
    jurisdiction: str
    region: str
    kms_key_arn: pulumi.Input[str]
    """The cell's data key."""
    alert_topic_arn: pulumi.Input[str]
    """Where the dead-letter alarms notify."""
    max_receive_count: int = 5
    """Deliveries before a message moves to the dead-letter queue: 1..100."""


def validate_args(args: FeedbackQueuesArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("FeedbackQueues", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("FeedbackQueues", "region", args.region, args.jurisdiction)
    require_range("FeedbackQueues", "max_receive_count", args.max_receive_count, 1, 100)


class FeedbackQueues(pulumi.ComponentResource):
    """Encrypted feedback queues with dead-letter queues and redrive alarms."""

    queue_arns: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: FeedbackQueuesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:modelops:FeedbackQueues", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.queue_arns = {}
        for kind in KINDS:
            queue_name = role_name(args.stack, args.cell, f"feedback-{kind}")
            dead_letters = aws.sqs.Queue(
                f"{name}-{kind}-dlq",
                name=f"{queue_name}-dlq",
                kms_master_key_id=args.kms_key_arn,
                kms_data_key_reuse_period_seconds=300,
                message_retention_seconds=RETENTION_SECONDS,
                opts=child,
            )
            queue = aws.sqs.Queue(
                f"{name}-{kind}",
                name=queue_name,
                kms_master_key_id=args.kms_key_arn,
                kms_data_key_reuse_period_seconds=300,
                message_retention_seconds=RETENTION_SECONDS,
                redrive_policy=dead_letters.arn.apply(
                    lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": args.max_receive_count})
                ),
                opts=child,
            )
            dead_letter_depth_alarm(
                f"{name}-{kind}-dlq-depth",
                alarm_name=f"{queue_name}-undeliverable",
                description=f"{args.jurisdiction} {kind} feedback failed delivery (runbooks/model-drift-alert.md)",
                queue_name=dead_letters.name,
                alarm_actions=[args.alert_topic_arn],
                opts=child,
            )
            self.queue_arns[kind] = queue.arn
        self.register_outputs({"queue_arns": self.queue_arns})
