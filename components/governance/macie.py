"""Amazon Macie for a cell's region: sensitive-data discovery on the record buckets, findings to the on-call path.

One `CellMacie` per (stack, region) declares:

- the region's Macie account (`aws.macie2.Account`, status ENABLED, findings published every 15 minutes); Macie
  publishes its findings to Security Hub (enabled per region by the audit trail), whose HIGH and CRITICAL
  findings already page through the cell's security-alerts route;
- one scheduled classification job per cell (`aws.macie2.ClassificationJob`, SCHEDULED, RUNNING, daily by
  default, every object sampled) over the buckets given: the records bucket and the tenant buckets, the
  stores whose data class asks for discovery (`domain.retention`: statutory records and personal data);
- an EventBridge rule sending every Macie finding of at least `alert_severity` to the cell's Macie topic
  (SNS, encrypted with the logs key, readable only by EventBridge for this rule), which the on-call
  tooling subscribes to (runbooks/macie-finding.md).

The policy `aws-macie-discovery-buckets-classified` checks that every bucket whose data class needs discovery is
listed by a running scheduled job in its own region, with Macie enabled there.

Usage::

    CellMacie(
        "uk-macie",
        CellMacieArgs(stack="prod", cell="uk", jurisdiction="UK", region="eu-west-2",
                      bucket_names=(records.bucket_name,), logs_kms_key_arn=key_arns["logs"]),
        opts=pulumi.ResourceOptions(parent=cell, provider=uk_provider),
    )
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.documents import policy_document
from components.validation import (
    require_choice,
    require_jurisdiction,
    require_non_empty,
    require_range,
    require_region_in_jurisdiction,
)
from domain.naming import cell_prefix

SCHEDULES = ("daily", "weekly", "monthly")
SEVERITIES = ("Low", "Medium", "High")
"""Macie's severity descriptions, from least to most severe."""
WEEKLY_DAY = "MONDAY"
MONTHLY_DAY = 1


def finding_pattern(minimum_severity: str) -> str:
    """EventBridge pattern: Macie findings of `minimum_severity` or above."""
    severities = list(SEVERITIES[SEVERITIES.index(minimum_severity) :])
    return json.dumps(
        {
            "source": ["aws.macie"],
            "detail-type": ["Macie Finding"],
            "detail": {"severity": {"description": severities}},
        },
        sort_keys=True,
    )


def topic_policy(topic_arn: str, account_id: str, rule_arn: str) -> str:
    """Only EventBridge, for this rule in our account, publishes to the Macie topic."""
    return policy_document(
        [
            {
                "Sid": "MacieFindingsFromEventBridge",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sns:Publish",
                "Resource": topic_arn,
                "Condition": {
                    "ArnEquals": {"aws:SourceArn": rule_arn},
                    "StringEquals": {"aws:SourceAccount": account_id},
                },
            }
        ]
    )


@dataclass(frozen=True)
class CellMacieArgs:
    """Arguments of a cell's Macie set-up."""

    stack: str
    """The stack (`prod`, `dr`, `dev`): part of the job and topic names."""
    cell: str
    jurisdiction: str
    region: str
    """Region Macie runs in (the provider's region); the buckets must be in it."""
    bucket_names: Sequence[pulumi.Input[str]]
    """Buckets of this cell in `region` to classify: at least one."""
    logs_kms_key_arn: pulumi.Input[str]
    """The cell's logs key: encrypts the findings topic (its policy lets EventBridge publish)."""
    enable_account: bool = True
    """Declare the region's Macie account (once per account and region: the first cell of a region)."""
    schedule: str = "daily"
    """How often the job runs: daily, weekly (Mondays) or monthly (the 1st)."""
    sampling_percentage: int = 100
    """Share of eligible objects each run analyses: 1..100 (default every object)."""
    alert_severity: str = "Medium"
    """Least severe finding that reaches on-call: Low, Medium or High."""


def validate_args(args: CellMacieArgs) -> None:
    """Raise ValueError naming the bad argument and what is allowed."""
    require_jurisdiction("CellMacie", "jurisdiction", args.jurisdiction)
    require_region_in_jurisdiction("CellMacie", "region", args.region, args.jurisdiction)
    require_non_empty("CellMacie", "bucket_names", args.bucket_names)
    require_choice("CellMacie", "schedule", args.schedule, SCHEDULES)
    require_range("CellMacie", "sampling_percentage", args.sampling_percentage, 1, 100)
    require_choice("CellMacie", "alert_severity", args.alert_severity, SEVERITIES)


def schedule_frequency(schedule: str) -> aws.macie2.ClassificationJobScheduleFrequencyArgs:
    if schedule == "daily":
        return aws.macie2.ClassificationJobScheduleFrequencyArgs(daily_schedule=True)
    if schedule == "weekly":
        return aws.macie2.ClassificationJobScheduleFrequencyArgs(weekly_schedule=WEEKLY_DAY)
    return aws.macie2.ClassificationJobScheduleFrequencyArgs(monthly_schedule=MONTHLY_DAY)


class CellMacie(pulumi.ComponentResource):
    """Macie enabled in the region, a scheduled discovery job over the cell's buckets, findings to on-call."""

    job_id: pulumi.Output[str]
    topic_arn: pulumi.Output[str]

    def __init__(self, name: str, args: CellMacieArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)
        super().__init__("trustfabric:governance:CellMacie", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        prefix = cell_prefix(args.stack, args.cell)

        depends: list[pulumi.Resource] = []
        if args.enable_account:
            depends.append(
                aws.macie2.Account(
                    f"{name}-account",
                    status="ENABLED",
                    finding_publishing_frequency="FIFTEEN_MINUTES",
                    opts=child,
                )
            )
        job = aws.macie2.ClassificationJob(
            f"{name}-discovery",
            name=f"{prefix}-sensitive-data-discovery",
            description=f"Sensitive data discovery on the {args.jurisdiction} record buckets ({args.schedule})",
            job_type="SCHEDULED",
            job_status="RUNNING",
            initial_run=True,
            sampling_percentage=args.sampling_percentage,
            schedule_frequency=schedule_frequency(args.schedule),
            s3_job_definition=aws.macie2.ClassificationJobS3JobDefinitionArgs(
                bucket_definitions=[
                    aws.macie2.ClassificationJobS3JobDefinitionBucketDefinitionArgs(
                        account_id=account_id, buckets=list(args.bucket_names)
                    )
                ]
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends),
        )
        topic = aws.sns.Topic(
            f"{name}-findings", name=f"{prefix}-macie-findings", kms_master_key_id=args.logs_kms_key_arn, opts=child
        )
        rule = aws.cloudwatch.EventRule(
            f"{name}-findings-rule",
            description=f"Macie findings of severity {args.alert_severity} or above in {args.region}",
            event_pattern=finding_pattern(args.alert_severity),
            opts=child,
        )
        aws.cloudwatch.EventTarget(
            f"{name}-findings-to-topic", rule=rule.name, arn=topic.arn, target_id="macie-findings", opts=child
        )
        aws.sns.TopicPolicy(
            f"{name}-findings-policy",
            arn=topic.arn,
            policy=pulumi.Output.all(topic.arn, account_id, rule.arn).apply(
                lambda values: topic_policy(values[0], values[1], values[2])
            ),
            opts=child,
        )
        self.job_id = job.job_id
        self.topic_arn = topic.arn
        self.register_outputs({"job_id": self.job_id, "topic_arn": self.topic_arn})
